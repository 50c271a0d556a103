import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_POLICY } from '../policy/builders';
import { cli, workspace } from './cliHarness';

describe('cli: agentlane policy check (the JSON contract)', () => {
  const root = workspace({ '.agentlane/policy.yaml': EXAMPLE_POLICY, 'src/a.ts': '', '.env': 'SECRET=1' });

  it('prints one JSON object with decision and reasons for --tool/--input', async () => {
    const r = await cli(root, 'policy', 'check', '--cwd', root, '--managed', 'none', '--json', '--tool', 'Read', '--input', '{"file_path":".env"}');
    assert.equal(r.code, 0);
    assert.equal(r.out.length, 1);
    assert.deepEqual(JSON.parse(r.out[0]), {
      decision: 'deny',
      reasons: [{ rule: 'paths.deny[0]', layer: 'workspace', line: 4, message: 'reading `.env` is denied by `**/.env*`' }],
    });
  });

  it('answers a batch line by line in order, a malformed line with a deny that says why', async () => {
    const batch = path.join(root, 'batch.jsonl');
    writeFileSync(batch, [
      '{"tool":"Write","input":{"file_path":"src/a.ts","content":""}}',
      '{not json',
      '{"tool":"WebFetch","input":{"url":"https://evil.example/","prompt":""}}',
      '{"input":{}}',
      '{"tool":"mcp__jira__create","input":{}}',
    ].join('\n') + '\n');
    const r = await cli(root, 'policy', 'check', '--cwd', root, '--managed', 'none', '--json', '--batch', batch);
    assert.equal(r.code, 0);
    const decisions = r.out.map((l) => JSON.parse(l).decision);
    assert.deepEqual(decisions, ['allow', 'deny', 'deny', 'deny', 'ask']);
    assert.match(JSON.parse(r.out[1]).reasons[0].message, /batch line 2 is not JSON/);
  });

  it('reads a batch file saved with a UTF-8 byte-order mark and CRLF line ends', async () => {
    const batch = path.join(root, 'bom.jsonl');
    writeFileSync(batch, '\uFEFF{"tool":"Write","input":{"file_path":"src/a.ts","content":""}}\r\n{"tool":"Read","input":{"file_path":"src/a.ts"}}\r\n');
    const r = await cli(root, 'policy', 'check', '--cwd', root, '--managed', 'none', '--json', '--batch', batch);
    assert.deepEqual(r.out.map((l) => JSON.parse(l).decision), ['allow', 'allow']);
  });

  it('exits 2 with the error on stderr for usage errors and invalid policies', async () => {
    const usage = await cli(root, 'policy', 'check', '--cwd', root, '--json');
    assert.equal(usage.code, 2);
    assert.match(usage.err.join('\n'), /exactly one of --command/);
    const bad = workspace({ '.agentlane/policy.yaml': 'version: 1\nshell:\n  otherwize: deny\n' });
    const r = await cli(bad, 'policy', 'check', '--cwd', bad, '--managed', 'none', '--json', '--command', 'ls');
    assert.equal(r.code, 2);
    assert.equal(r.out.length, 0);
    assert.match(r.err.join('\n'), /policy\.yaml:3:3: unknown key `otherwize` at `shell\.otherwize`/);
  });

  it('a managed layer named on the command line tightens the workspace', async () => {
    const managed = path.join(root, 'managed.yaml');
    writeFileSync(managed, 'version: 1\nmode: coach\n');
    const r = await cli(root, 'policy', 'check', '--cwd', root, '--managed', managed, '--json', '--tool', 'Write', '--input', '{"file_path":"src/a.ts","content":""}');
    const out = JSON.parse(r.out[0]);
    assert.equal(out.decision, 'deny');
    assert.equal(out.reasons[0].layer, 'managed');
  });
});

describe('cli: agentlane policy test', () => {
  it('passes when every case matches and prints a readable diff when one does not', async () => {
    const root = workspace({
      '.agentlane/policy.yaml': EXAMPLE_POLICY,
      '.agentlane/policy.test.yaml': [
        '- name: env is secret',
        '  tool: Read',
        '  input: { file_path: .env }',
        '  expect: { decision: deny, rule: "paths.deny[0]" }',
        '- tool: Write',
        '  input: { file_path: src/x.ts, content: "" }',
        '  expect: allow',
      ].join('\n'),
    });
    const ok = await cli(root, 'policy', 'test', '--cwd', root, '--managed', 'none');
    assert.equal(ok.code, 0, ok.out.join('\n'));
    assert.ok(ok.out.includes('2 passed, 0 failed'));

    writeFileSync(path.join(root, 'wrong.yaml'), '- name: readme is writable\n  tool: Write\n  input: { file_path: README.md, content: "" }\n  expect: allow\n');
    const bad = await cli(root, 'policy', 'test', 'wrong.yaml', '--cwd', root, '--managed', 'none');
    assert.equal(bad.code, 1);
    const text = bad.out.join('\n');
    assert.match(text, /FAIL 1 readme is writable/);
    assert.match(text, /- expected: \{"decision":"allow"\}/);
    assert.match(text, /\+ actual: +\{"decision":"deny","rules":\["paths.write"\]\}/);
    assert.match(text, /0 passed, 1 failed/);
  });
});

describe('cli: agentlane policy explain', () => {
  it('tells read and write decisions for a path with the rule and line', async () => {
    const root = workspace({ '.agentlane/policy.yaml': EXAMPLE_POLICY });
    const r = await cli(root, 'policy', 'explain', '.github/workflows/ci.yml', '--cwd', root, '--managed', 'none', '--json');
    const out = JSON.parse(r.out[0]);
    assert.equal(out.read.decision, 'allow');
    assert.equal(out.write.decision, 'ask');
    assert.equal(out.write.reasons[0].rule, 'paths.protect[0]');
    assert.equal(out.write.reasons[0].line, 5);
  });
});
