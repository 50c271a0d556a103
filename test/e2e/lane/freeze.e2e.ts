// Scenarios 7 and 8: the kill switch (SIGUSR1 to `agentlane run`) and limits (tool calls,
// minutes) freeze the session mid-run: later writes and execs are denied with "session is
// frozen", reads still go through, and the trace records session.freeze with the reason.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAllLanes, runLane, type LaneRun, turn } from '../support/lane';
import { assertTraceSound, describeRun, lineOf, POLICY, requirePrereqs, SECRET_FILES } from './common';

function assertFrozenDeny(r: LaneRun, id: string, why: RegExp): void {
  const d = r.decisions().find((x) => x.toolUseId === id);
  assert.ok(d, `no decision for ${id}\n${describeRun(r)}`);
  assert.equal(d.decision, 'deny', `${id}: ${d.message}`);
  assert.equal(d.rule, 'session.frozen');
  assert.match(d.message, /^session is frozen: /);
  assert.match(d.message, why);
  const t = r.toolResults().find((x) => x.tool_use_id === id);
  assert.equal(t?.is_error, true);
  assert.match(t?.content ?? '', /Agent Lane: session is frozen: /);
}

describe('lane: freeze', function () {
  this.timeout(120_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  describe('kill switch: SIGUSR1 between two tool calls', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: POLICY,
        files: SECRET_FILES,
        script: (d) => [
          turn.write(d, 'src/before.ts', 'before\n', 'toolu_before'),
          // The fake holds this answer: the signal lands (and the freeze is traced) meanwhile.
          turn.write(d, 'src/after.ts', 'after\n', 'toolu_after_write', { delayMs: 1500 }),
          turn.bash('echo x > src/after.txt', 'toolu_after_exec'),
          turn.read(d, 'README.md', 'toolu_after_read'),
          { text: 'done' },
        ],
        signal: { signal: 'SIGUSR1', afterTurnRequests: 2, thenAwaitEvent: 'session.freeze' },
      });
    });
    after(() => r?.cleanup());

    it('the write before the signal landed; the write and exec after it did not', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(fs.readFileSync(r.file('src/before.ts'), 'utf8'), 'before\n');
      assert.equal(fs.existsSync(r.file('src/after.ts')), false);
      assert.equal(fs.existsSync(r.file('src/after.txt')), false);
    });

    it('later writes and execs are denied with "session is frozen", reads are allowed', () => {
      assertFrozenDeny(r, 'toolu_after_write', /kill switch: frozen by the operator; only reads are allowed/);
      assertFrozenDeny(r, 'toolu_after_exec', /kill switch/);
      assert.equal(r.decisions().find((x) => x.toolUseId === 'toolu_after_read')?.decision, 'allow');
      assert.ok(r.api.allRequestText().includes('hello from the readme'));
      assert.match(r.stderr, /agentlane: session frozen: kill switch: frozen by the operator/);
    });

    it('the trace has session.freeze by the operator, between the decisions', () => {
      assertTraceSound(r);
      const f = r.events('session.freeze');
      assert.equal(f.length, 1);
      assert.equal(f[0]?.by, 'operator (SIGUSR1)');
      assert.equal(f[0]?.actor, 'supervisor');
      assert.equal(f[0]?.reason, 'kill switch: frozen by the operator');
      const seqOf = (id: string): number => r.decisions().find((x) => x.toolUseId === id)?.event.seq ?? -1;
      assert.ok(seqOf('toolu_before') < (f[0]?.seq ?? -1) && (f[0]?.seq ?? -1) < seqOf('toolu_after_write'));
    });
  });

  describe('limits.toolCalls: 2', () => {
    const policy = `${POLICY}limits:\n  toolCalls: 2\n`;
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy,
        files: SECRET_FILES,
        script: (d) => [
          turn.write(d, 'src/one.ts', '1\n', 'toolu_call_1'),
          turn.bash('echo 2 > src/two.txt', 'toolu_call_2'),
          turn.write(d, 'src/three.ts', '3\n', 'toolu_call_3'),
          turn.bash('echo 4 > src/four.txt', 'toolu_call_4'),
          { text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('two calls ran, the third and fourth did not', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.ok(fs.existsSync(r.file('src/one.ts')));
      assert.ok(fs.existsSync(r.file('src/two.txt')));
      assert.equal(fs.existsSync(r.file('src/three.ts')), false);
      assert.equal(fs.existsSync(r.file('src/four.txt')), false);
    });

    it('the trace has the freeze naming the limit and its line, then frozen denies', () => {
      assertTraceSound(r);
      const line = lineOf(policy, 'toolCalls: 2');
      const f = r.events('session.freeze');
      assert.equal(f.length, 1, describeRun(r));
      assert.equal(f[0]?.reason, `tool-call limit reached: 2 of 2 (policy limits.toolCalls, line ${line})`);
      assert.equal(f[0]?.by, 'system');
      assert.deepEqual(r.decisions().map((x) => x.decision), ['allow', 'allow', 'deny', 'deny']);
      assertFrozenDeny(r, 'toolu_call_3', /tool-call limit reached: 2 of 2/);
      assertFrozenDeny(r, 'toolu_call_4', /tool-call limit reached/);
    });
  });

  describe('limits.minutes: 0.02', () => {
    const policy = `${POLICY}limits:\n  minutes: 0.02\n`;
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy,
        files: SECRET_FILES,
        script: (d) => [
          // 0.02 min = 1.2 s; the first answer comes well after that.
          turn.write(d, 'src/late.ts', 'late\n', 'toolu_late', { delayMs: 3000 }),
          { text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('a write after the time limit is denied and the freeze names limits.minutes', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(fs.existsSync(r.file('src/late.ts')), false);
      assertTraceSound(r);
      const f = r.events('session.freeze');
      assert.equal(f.length, 1, describeRun(r));
      assert.equal(f[0]?.reason, `time limit reached: 0.02 min (policy limits.minutes, line ${lineOf(policy, 'minutes: 0.02')})`);
      assertFrozenDeny(r, 'toolu_late', /time limit reached/);
    });
  });
});

// Regression (fixed): src/cli/run.ts:111 (`process.on('SIGUSR1', onUsr1)`) installs the SIGUSR1 (kill switch) handler only after initShellParser()
// and openLane() (and removes it at :131 before lane.close()). A SIGUSR1 that arrives earlier hits
// Node's default: it opens the inspector on 127.0.0.1:9229 for the rest of the process — a local
// code-execution channel into the broker that the agent (started afterwards) could reach, which
// breaks invariant 8 — and the freeze the operator asked for is lost. Deterministic repro: the
// policy file is a FIFO, so openLane blocks reading it; signal, then feed the policy. Run
// un-skipped today: stderr shows "Debugger listening on ws://127.0.0.1:9229/…", and the policy
// read fails with EINTR (the signal interrupted readFileSync), so no session starts. Signalled
// 150–350 ms after spawn instead (during initShellParser), the lane starts with the inspector
// open, no session.freeze, and the agent's Write is allowed and lands.
// Suggested fix: `process.on('SIGUSR1', …)` first thing in runCommand, remembering a freeze that
// arrives before the broker exists and applying it right after broker.start(); keep a handler
// until the process exits (or run the CLI with --disable-sigusr1 where Node supports it).
describe('lane: kill switch during start-up', function () {
  this.timeout(120_000);
  before(requirePrereqs);

  it('SIGUSR1 during start-up freezes the session and never opens the inspector', async () => {
    let fifo = '';
    let fd = -1;
    const r = await runLane({
      policy: POLICY,
      files: SECRET_FILES,
      laneArgs: (d) => {
        fifo = path.join(d.scratch, 'policy.fifo');
        execFileSync('mkfifo', [fifo]);
        // Held open read-write here, so the lane's open() returns and its read() blocks.
        fd = fs.openSync(fifo, 'r+');
        return ['--policy', fifo];
      },
      script: (d) => [
        turn.write(d, 'src/early.ts', 'x\n', 'toolu_early'),
        { text: 'done' },
      ],
      allowNoTrace: true,
      signal: {
        signal: 'SIGUSR1',
        // The lane has the FIFO open (blocked in openLane → readFileSync).
        when: (pid) => {
          try {
            return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
              try { return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === fifo; } catch { return false; }
            });
          } catch {
            return false;
          }
        },
        then: () => {
          fs.writeSync(fd, POLICY);
          fs.closeSync(fd);
        },
      },
    });
    try {
      assert.doesNotMatch(r.stderr, /Debugger listening|inspector/i, 'SIGUSR1 opened the Node inspector');
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(r.events('session.freeze').length, 1, describeRun(r));
      assert.equal(fs.existsSync(r.file('src/early.ts')), false);
    } finally {
      await r.cleanup();
    }
  });
});
