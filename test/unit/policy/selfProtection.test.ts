import { strict as assert } from 'node:assert';
import { HOME, ROOT, decide, policy } from './builders';

describe('policy: built-in self-protection (invariant 3)', () => {
  // The loosest policy we can write: self-protection must hold anyway.
  const loose = policy('version: 1\nmode: ship\nshell: { otherwise: allow, unanalyzable: allow }\nnetwork: { otherwise: allow }\n');

  for (const file_path of [
    `${ROOT}/.agentlane/policy.yaml`,
    `${ROOT}/.agentlane/missions/M-1.yaml`,
    `${ROOT}/.git/hooks/pre-commit`,
    `${ROOT}/.git/config`,
    `${ROOT}/.claude/settings.json`,
    `${ROOT}/.claude/settings.local.json`,
    `${HOME}/.claude/settings.json`,
    `${ROOT}/.mcp.json`,
  ]) {
    it(`denies writing ${file_path.replace(ROOT, '.')}`, () => {
      const r = decide(loose, 'Write', { file_path, content: 'x' });
      assert.equal(r.decision, 'deny');
      assert.equal(r.reasons[0].rule, 'builtin.self-protection');
      assert.equal(r.reasons[0].layer, 'builtin');
    });
  }

  it('denies reading and writing the session secrets, and writing the trace store', () => {
    const ctx = { sessionSecrets: ['/run/agentlane/s1'], selfPaths: ['/var/lib/agentlane/traces'] };
    assert.equal(decide(loose, 'Read', { file_path: '/run/agentlane/s1/settings.json' }, ctx).decision, 'deny');
    assert.equal(decide(loose, 'Write', { file_path: '/var/lib/agentlane/traces/x.jsonl', content: '' }, ctx).decision, 'deny');
  });

  it('still lets the agent read its policy (it is reviewed in git, not secret)', () => {
    assert.equal(decide(loose, 'Read', { file_path: `${ROOT}/.agentlane/policy.yaml` }).decision, 'allow');
  });
});
