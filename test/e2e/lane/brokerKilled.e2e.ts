// Scenario 9: the broker dies mid-session (SIGKILL to `agentlane run`). The session's model
// gateway dies with it (issue 12), so the orphaned CLI cannot reach a model any more: the turn in
// flight is cut, no later request reaches the upstream, nothing runs (fail closed). Tool calls
// the orphan would still make are blocked by `onFailure: "block"` (hook side, unchanged).
// The helper kills the orphan's process group at the end.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cleanupAllLanes, runLane, type LaneRun, turn } from '../support/lane';
import { describeRun, POLICY, requirePrereqs, SECRET_FILES } from './common';

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
      script: (d) => [
        turn.write(d, 'src/first.ts', 'first\n', 'toolu_first'),
        turn.write(d, 'src/second.ts', 'second\n', 'toolu_second', { delayMs: 1500 }),
        turn.bash('echo third > src/third.txt', 'toolu_third'),
        turn.read(d, '.env', 'toolu_env'),
        { text: 'done' },
      ],
      signal: { signal: 'SIGKILL', afterTurnRequests: 2 },
      // The orphan retries a dead endpoint with backoff for minutes by default: once is enough here.
      env: { CLAUDE_CODE_MAX_RETRIES: '1' },
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
  });

  it('the lane died by SIGKILL; the orphaned CLI lost its model with it', () => {
    assert.equal(r.signal, 'SIGKILL', describeRun(r));
    // The CLI's stdout is inherited from the lane: its result line still reached us.
    assert.equal(r.result?.is_error, true, describeRun(r));
    assert.equal(r.result?.api_error, 'connection_failed', JSON.stringify(r.result));
  });

  it('no tool call after the kill was executed', () => {
    assert.equal(fs.readFileSync(r.file('src/first.ts'), 'utf8'), 'first\n');
    assert.equal(fs.existsSync(r.file('src/second.ts')), false);
    assert.equal(fs.existsSync(r.file('src/third.txt')), false);
    assert.ok(!r.api.allRequestText().includes('ENV-CANARY'), 'the .env content reached the model');
  });

  it('no model request reached the upstream after the kill (the turn in flight was cut)', () => {
    assert.equal(r.api.turnRequests().length, 2, describeRun(r));
    assert.equal(r.toolResults().some((t) => ['toolu_second', 'toolu_third', 'toolu_env'].includes(t.tool_use_id)), false);
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
