// No box, no session: where the sandbox cannot be set up the lane refuses to start and says what
// to install; `sandbox: off` runs without one but never silently; a managed `required` wins.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAllLanes, describeRun, runLane, turn } from '../support/lane';
import { lineOf, requirePrereqs } from '../lane/common';
import { sandboxAvailability } from '../../../src/core/sandbox/availability';

const POLICY = 'version: 1\nmode: build\nshell:\n  otherwise: allow\n';

describe('sandbox: start-up fails closed, and off is never silent', function () {
  this.timeout(120_000);
  before(() => requirePrereqs());
  after(() => cleanupAllLanes());

  it('without bubblewrap the session does not start, and says what to install', async () => {
    const r = await runLane({
      policy: POLICY, allowNoTrace: true, env: { AGENTLANE_BWRAP: '/nonexistent/bwrap' },
      script: [turn.bash('echo should-not-run > src-ran.txt', 'toolu_x'), { text: 'done' }],
    });
    try {
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /no session starts: the agent must run in a sandbox/);
      assert.match(r.stderr, /apt-get install bubblewrap socat/);
      assert.match(r.stderr, /`sandbox: off`/);
      assert.equal(r.api.turnRequests().length, 0, 'the agent never started');
      assert.ok(!fs.existsSync(r.file('src-ran.txt')));
    } finally {
      await r.cleanup();
    }
  });

  it('`sandbox: off` runs without a box, warns, and records why in the trace', async () => {
    const policy = `${POLICY}sandbox: off\n`;
    const r = await runLane({ policy, script: [turn.bash('echo hi', 'toolu_hi'), { text: 'done' }] });
    try {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.match(r.stderr, /WARNING the agent runs WITHOUT a sandbox: sandbox turned off by workspace policy/);
      const s = r.events('sandbox.status')[0];
      assert.equal(s?.state, 'off');
      assert.equal(s?.reason, `sandbox turned off by workspace policy (.agentlane/policy.yaml:${lineOf(policy, 'sandbox: off')})`);
    } finally {
      await r.cleanup();
    }
  });

  it('a managed `sandbox: required` refuses a workspace `sandbox: off`', async () => {
    const r = await runLane({
      policy: `${POLICY}sandbox: off\n`, allowNoTrace: true,
      laneArgs: (d) => {
        const managed = path.join(d.scratch, 'managed.yaml');
        fs.writeFileSync(managed, 'version: 1\nsandbox: required\n');
        return ['--managed', managed];
      },
      script: [{ text: 'done' }],
    });
    try {
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /says `sandbox: off`, but managed policy \(.*managed\.yaml:2\) requires the sandbox/);
    } finally {
      await r.cleanup();
    }
  });

  it('the sandbox is available on this CI machine (the project installs bubblewrap and socat)', function () {
    if (process.env.CI !== 'true') this.skip();
    const a = sandboxAvailability();
    assert.ok(a.ok, a.ok ? '' : a.reason);
  });
});
