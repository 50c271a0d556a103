import { strict as assert } from 'node:assert';
import { pathFlags } from '../../../src/vscode/review/flags';
import { buildReviewModel, decisionsSince, staleReason } from '../../../src/vscode/review/model';
import { maskSecret, maskSecrets } from '../../../src/vscode/review/secrets';
import { EXAMPLE_POLICY, HOME, ROOT, policy } from '../policy/builders';
import { A_TS_STAGED, STAGED_DIFF, TREE, commitApproval, decision } from './builders';

const compiled = policy(EXAMPLE_POLICY);
const ctx = { workspaceRoot: ROOT, home: HOME };

describe('review panel: flags by rule', () => {
  it('flags a protected path with its paths.protect rule', () => {
    const flags = pathFlags('.github/workflows/ci.yml', compiled, ctx);
    assert.deepEqual(flags.map((f) => [f.kind, f.rule]), [['protected', 'paths.protect[0]']]);
    assert.match(flags[0].message, /needs approval: protected by `\.github\/workflows\/\*\*`/);
  });

  it('flags a path outside the write scope with paths.write', () => {
    assert.deepEqual(pathFlags('bin.dat', compiled, ctx).map((f) => [f.kind, f.rule]), [['outside-scope', 'paths.write']]);
  });

  it('flags a denied path with its paths.deny rule', () => {
    assert.deepEqual(pathFlags('.env', compiled, ctx).map((f) => [f.kind, f.rule]), [['denied', 'paths.deny[0]']]);
  });

  it('flags the agent writing its own governance with the built-in rule', () => {
    const flags = pathFlags('.agentlane/policy.yaml', compiled, ctx);
    assert.equal(flags[0]?.kind, 'denied');
    assert.match(flags[0].rule, /^builtin\./);
  });

  it('leaves a file inside the write scope unflagged', () => {
    assert.deepEqual(pathFlags('src/a.ts', compiled, ctx), []);
  });

  it('masks secrets: a hint of a long one, nothing of a short one', () => {
    assert.equal(maskSecret('AKIAIOSFODNN7EXAMPLE'), 'AKIA••••••••');
    assert.equal(maskSecret('hunter2'), '••••••••');
    const m = maskSecrets('password = "hunter2hunter2"');
    assert.deepEqual(m.rules, ['password-assignment']);
    assert.ok(!m.text.includes('hunter2hunter2'));
  });
});

describe('review panel: model', () => {
  const model = buildReviewModel({
    approval: commitApproval(),
    diffText: STAGED_DIFF,
    policy: compiled,
    ctx,
    decisions: [decision(1, '2026-11-21T09:00:00.000Z'), decision(2, '2026-11-21T09:30:00.000Z', { decision: 'deny' }), decision(3, '2026-11-21T10:05:00.000Z')],
    since: '2026-11-21T09:10:00.000Z',
    supervisor: 'Ada <ada@example.com>',
    contents: new Map([['src/a.ts', A_TS_STAGED.split('\n')]]),
  });

  it('flags every file by rule and secrets on added lines', () => {
    const flags = Object.fromEntries(model.files.map((f) => [f.path, f.flags.map((x) => `${x.kind}:${x.rule}`)]));
    assert.deepEqual(flags, {
      '.env': ['denied:paths.deny[0]', 'secret:password-assignment'],
      '.github/workflows/ci.yml': ['protected:paths.protect[0]'],
      'bin.dat': ['outside-scope:paths.write'],
      'gone.txt': ['outside-scope:paths.write'],
      'src/a.ts': [],
      'src/new.ts': ['secret:aws-access-token'],
    });
    assert.ok(!JSON.stringify(model).includes('AKIAIOSFODNN7EXAMPLE'));
  });

  it('totals the stats and keeps the commit message', () => {
    assert.deepEqual(model.totals, { files: 6, added: 6, removed: 3, flagged: 5 });
    assert.equal(model.message, 'Fix the thing\n\nLonger body');
    assert.equal(model.tree, TREE);
  });

  it('lists the decisions after the previous commit and up to this one', () => {
    assert.deepEqual(model.decisions.map((d) => [d.seq, d.decision]), [[2, 'deny']]);
    assert.equal(decisionsSince([decision(1, '2026-11-21T09:00:00.000Z')], undefined, '2026-11-21T10:00:00.000Z').length, 1);
  });

  it('says why the index no longer matches the approval', () => {
    const pinned = { tree: TREE, diffHash: 'a'.repeat(64) };
    assert.equal(staleReason(pinned, pinned), undefined);
    assert.match(staleReason(pinned, { tree: 'b'.repeat(40), diffHash: 'a'.repeat(64) })!, /staged files changed since the agent asked/);
    assert.match(staleReason(pinned, { tree: TREE, diffHash: 'c'.repeat(64) })!, /no longer hashes/);
  });
});
