import { strict as assert } from 'node:assert';
import { loadPolicyFromText } from '../../../src/core/policy/load';
import { compilePolicy } from '../../../src/core/policy/compile';
import { evaluate } from '../../../src/core/policy/evaluate';
import { EXAMPLE_POLICY, ROOT } from './builders';

function errorsOf(text: string) {
  const r = loadPolicyFromText(text, 'policy.yaml', 'workspace');
  assert.equal(r.ok, false, 'expected the policy to be rejected');
  return r.ok ? [] : r.errors;
}

describe('policy: loading and errors', () => {
  it('accepts the v1 contract example', () => {
    const r = loadPolicyFromText(EXAMPLE_POLICY, 'policy.yaml', 'workspace');
    assert.equal(r.ok, true);
  });

  it('reports an unknown key at its own line and column', () => {
    const [e] = errorsOf('version: 1\npaths:\n  deny: ["a"]\n  denny: ["b"]\n');
    assert.deepEqual({ line: e.line, column: e.column, path: e.path }, { line: 4, column: 3, path: 'paths.denny' });
    assert.match(e.message, /unknown key `denny`/);
  });

  it('reports a wrong type at the value', () => {
    const [e] = errorsOf('version: 1\nshell:\n  otherwise: maybe\n');
    assert.equal(e.line, 3);
    assert.equal(e.path, 'shell.otherwise');
  });

  it('reports a bad glob with the glob in the message', () => {
    const [e] = errorsOf('version: 1\npaths:\n  deny:\n    - "ok/**"\n    - "bad["\n');
    assert.equal(e.line, 5);
    assert.match(e.message, /bad glob `bad\[`/);
  });

  it('reports YAML syntax errors with a position', () => {
    const [e] = errorsOf('version: 1\nmode: [build\n');
    assert.ok(e.line >= 2);
    assert.match(e.message, /^yaml: /);
  });

  it('rejects a wrong version and an empty file', () => {
    assert.match(errorsOf('version: 2\n')[0].message, /version must be 1/);
    assert.match(errorsOf('')[0].message, /empty/);
  });

  it('an invalid policy denies every action with the error as the reason (fail closed)', () => {
    const r = loadPolicyFromText('version: 1\nshell:\n  otherwise: maybe\n', `${ROOT}/.agentlane/policy.yaml`, 'workspace');
    assert.ok(!r.ok);
    const compiled = compilePolicy({ layers: [], problems: r.ok ? [] : r.errors });
    const e = evaluate({ tool: 'Read', input: { file_path: `${ROOT}/src/a.ts` } }, compiled, { workspaceRoot: ROOT });
    assert.equal(e.decision, 'deny');
    assert.equal(e.reasons[0].rule, 'policy.invalid');
    assert.equal(e.reasons[0].line, 3);
    assert.match(e.reasons[0].message, /policy is invalid/);
  });
});
