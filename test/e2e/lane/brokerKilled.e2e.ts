// Scenario 9: the broker dies mid-session (SIGKILL to `agentlane run`). The agent's box dies with
// the lane (bubblewrap's --die-with-parent and the PID namespace): nothing runs afterwards, no
// further request reaches the model. (Without a box — `sandbox: off` — the orphaned CLI goes on
// and every later tool call is blocked by `onFailure: "block"`; hookServer/settings tests cover it.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cleanupAllLanes, runLane, type LaneDirs, type LaneRun, turn } from '../support/lane';
import type { Turn } from '../support/fakeAnthropic';
import { describeRun, POLICY, requirePrereqs, SECRET_FILES } from './common';

/** One write, then the lane is killed while the second turn is on its way; then a command and a denied read. */
const killedMidSession = (d: LaneDirs): Turn[] => [
  turn.write(d, 'src/first.ts', 'first\n', 'toolu_first'),
  turn.write(d, 'src/second.ts', 'second\n', 'toolu_second', { delayMs: 1500 }),
  turn.bash('echo third > src/third.txt', 'toolu_third'),
  turn.read(d, '.env', 'toolu_env'),
  { text: 'done' },
];

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('lane: broker killed mid-session (fail closed)', function () {
  this.timeout(120_000);
  let r: LaneRun;

  before(async function () {
    requirePrereqs();
    r = await runLane({
      policy: POLICY,
      files: SECRET_FILES,
      script: killedMidSession,
      signal: { signal: 'SIGKILL', afterTurnRequests: 2 },
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
  });

  it('the lane died by SIGKILL, and the agent\'s box with it: no request after the kill reached the model', () => {
    assert.equal(r.signal, 'SIGKILL', describeRun(r));
    assert.equal(r.result, undefined, 'the agent finished its script without its lane');
    assert.equal(r.api.turnRequests().length, 2, describeRun(r));
  });

  it('no tool call after the kill was executed', () => {
    assert.equal(fs.readFileSync(r.file('src/first.ts'), 'utf8'), 'first\n');
    assert.equal(fs.existsSync(r.file('src/second.ts')), false);
    assert.equal(fs.existsSync(r.file('src/third.txt')), false);
    assert.ok(!r.api.allRequestText().includes('ENV-CANARY'), 'the .env content reached the model');
  });

  it('the trace up to the kill is intact: one decision, no end', () => {
    assert.ok(r.verify.ok, JSON.stringify(r.verify));
    assert.deepEqual(r.decisions().map((x) => [x.toolUseId, x.decision]), [['toolu_first', 'allow']]);
    assert.equal(r.events('session.end').length, 0);
  });

  it('no process of the run is left', async () => {
    await r.cleanup();
    assert.equal(groupAlive(r.pid), false);
  });
});

describe('lane: broker killed mid-session without a box (`sandbox: off`): the orphan is blocked', function () {
  this.timeout(120_000);
  let r: LaneRun;

  before(async function () {
    requirePrereqs();
    r = await runLane({
      policy: `${POLICY}sandbox: off\n`,
      files: SECRET_FILES,
      // The model gateway died with the lane too: let the orphan give up on it quickly.
      env: { CLAUDE_CODE_MAX_RETRIES: '1', API_TIMEOUT_MS: '5000' },
      script: killedMidSession,
      signal: { signal: 'SIGKILL', afterTurnRequests: 2 },
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
  });

  it('the orphaned CLI reaches nothing: its model went with the lane (the gateway), its calls are blocked', () => {
    assert.equal(r.signal, 'SIGKILL', describeRun(r));
    assert.equal(r.api.turnRequests().length, 2, describeRun(r));
    // The second Write was already in hand when the lane died: onFailure "block" stopped it.
    const second = r.toolResults().find((x) => x.tool_use_id === 'toolu_second');
    if (second) {
      assert.equal(second.is_error, true, describeRun(r));
      assert.match(second.content, /blocking because onFailure is "block"/, second.content);
    }
  });

  it('no tool call after the kill was executed', () => {
    assert.equal(fs.existsSync(r.file('src/second.ts')), false);
    assert.equal(fs.existsSync(r.file('src/third.txt')), false);
    assert.ok(!r.api.allRequestText().includes('ENV-CANARY'), 'the .env content reached the model');
  });
});
