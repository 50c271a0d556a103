// The approved-agent catalog in the managed policy: an approved CLI starts and the trace names
// it with the version it reported; a CLI, version or model outside the catalog does not start.
import * as assert from 'node:assert/strict';
import { describeAgentRun, runAgentLane } from '../support/runAgentLane';
import { POLICY, SECRET_FILES } from '../lane/common';

const MANAGED = `version: 1
agents:
  - kind: codex
    versions: ">=0.171.0 <0.172.0"
    models: ["gpt-5.*"]
  - kind: gemini
    versions: ">=1.0.0"
`;

describe('approved-agent catalog (managed policy)', function () {
  this.timeout(240_000);

  it('codex 0.171 with gpt-5.5 is approved; the trace names the agent and its version', async () => {
    const r = await runAgentLane({
      kind: 'codex', policy: POLICY, files: SECRET_FILES, managedPolicy: MANAGED,
      script: () => [{ text: 'nothing to do' }],
    });
    try {
      const start = r.trace[0];
      assert.equal(start?.event, 'session.start', describeAgentRun(r));
      assert.deepEqual(start?.event === 'session.start' ? start.agent : null, { name: 'codex', version: '0.171.0' });
      assert.ok(r.verify.ok);
    } finally {
      await r.cleanup();
    }
  });

  it('gemini 0.61 is outside the approved range: it does not start, and the reason says why', async () => {
    const r = await runAgentLane({
      kind: 'gemini', policy: POLICY, files: SECRET_FILES, managedPolicy: MANAGED, allowNoTrace: true,
      script: () => [{ text: 'nothing to do' }],
    });
    try {
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /gemini is not approved by the managed policy's agent catalog .*version 0\.61\.0 is outside `>=1\.0\.0`/, describeAgentRun(r));
      assert.equal(r.model.turns(), 0);
    } finally {
      await r.cleanup();
    }
  });
});
