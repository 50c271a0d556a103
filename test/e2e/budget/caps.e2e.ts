// Budget caps against the real Claude Code CLI. The meter reads the transcript on every
// PreToolUse (the CLI writes it as it goes), so the call that follows the turn crossing the cap
// is the first one decided over budget: the session freezes there, and from then on nothing
// but reads runs. An unknown model with a cap set is priced by an estimate (the dearest rate of
// its family) and the session goes on; it freezes only with an explicit `budget.onUnknown: freeze`.
// No --model anywhere: the CLI runs its default model (claude-opus-5-5).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Turn, TurnCommon, Usage } from '../support/fakeAnthropic';
import { cleanupAllLanes, runLane, turn, type LaneDirs, type LaneRun } from '../support/lane';
import { assertTraceSound, describeRun, lineOf, POLICY, requirePrereqs, SECRET_FILES } from '../lane/common';

/** $0.008 per turn at claude-opus-5-5 list prices: 1000 × $4 + 200 × $20 per MTok. */
const TURN_USAGE: Usage = { input_tokens: 1000, output_tokens: 200 };

const write = (d: LaneDirs, name: string, id: string, extra: TurnCommon = {}): Turn =>
  turn.write(d, `src/${name}`, `${name}\n`, id, { usage: TURN_USAGE, ...extra });

function decisionOf(r: LaneRun, id: string): ReturnType<LaneRun['decisions']>[number] {
  const d = r.decisions().find((x) => x.toolUseId === id);
  assert.ok(d, `no decision for ${id}\n${describeRun(r)}`);
  return d;
}

function assertFrozenDeny(r: LaneRun, id: string): void {
  const d = decisionOf(r, id);
  assert.equal(d.decision, 'deny', `${id}: ${d.message}`);
  assert.equal(d.rule, 'session.frozen');
  assert.match(d.message, /^session is frozen: /);
}

/**
 * What must hold whenever the session froze: every call decided after the freeze that is not a
 * read was denied with "session is frozen" and left nothing behind; reads still ran.
 */
function assertNothingRanAfterFreeze(r: LaneRun, files: Record<string, string>, reads: readonly string[]): number {
  const f = r.events('session.freeze');
  assert.equal(f.length, 1, describeRun(r));
  const frozenAt = f[0]!.seq;
  const after = r.decisions().filter((d) => d.event.seq > frozenAt);
  assert.ok(after.some((d) => !reads.includes(d.toolUseId)), `the freeze came too late to stop any write\n${describeRun(r)}`);
  for (const d of after) {
    if (reads.includes(d.toolUseId)) { assert.equal(d.decision, 'allow', d.message); continue; }
    assertFrozenDeny(r, d.toolUseId);
    const file = files[d.toolUseId];
    if (file) assert.equal(fs.existsSync(r.file(file)), false, `${file} was written after the freeze`);
  }
  const ran = r.events('tool.result').filter((e) => e.seq > frozenAt && e.ok).map((e) => e.tool_use_id);
  assert.deepEqual(ran.filter((id) => !reads.includes(id)), [], 'only reads may run after the freeze');
  return frozenAt;
}

describe('budget: caps freeze the session (real Claude Code)', function () {
  this.timeout(180_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  describe('budget.usd: 0.01, crossed by the 2nd turn', () => {
    const policy = `${POLICY}budget:\n  usd: 0.01\n`;
    // tool_use id → the file its call would create.
    const FILES: Record<string, string> = {
      toolu_w1: 'src/one.ts', toolu_w2: 'src/two.ts', toolu_w3: 'src/three.ts', toolu_b4: 'src/four.txt', toolu_w5: 'src/five.ts', toolu_w6: 'src/six.ts',
    };
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy,
        files: SECRET_FILES,
        script: (d) => [
          write(d, 'one.ts', 'toolu_w1'),                 // $0.008 with this turn: 80%
          write(d, 'two.ts', 'toolu_w2'),                 // $0.016 with this turn: over the cap
          write(d, 'three.ts', 'toolu_w3'),
          { usage: TURN_USAGE, toolUses: [{ name: 'Bash', input: { command: 'echo x > src/four.txt' }, id: 'toolu_b4' }] },
          write(d, 'five.ts', 'toolu_w5'),
          write(d, 'six.ts', 'toolu_w6'),
          { usage: TURN_USAGE, toolUses: [{ name: 'Read', input: { file_path: path.join(d.ws, 'README.md') }, id: 'toolu_r7' }] },
          { usage: TURN_USAGE, text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('the trace has session.freeze by the system, naming the cap and its policy line', () => {
      // The model gateway refuses the request after the cap, so the CLI ends with that API error.
      assert.equal(r.exitCode, 1, describeRun(r));
      assert.match(r.stdout, /Agent Lane: budget reached: \$0\.0\d of \$0\.01 \(policy budget\.usd, line \d+\) — raise it in the sidebar/);
      assertTraceSound(r);
      const f = r.events('session.freeze');
      assert.equal(f.length, 1, describeRun(r));
      assert.equal(f[0]?.by, 'system');
      assert.match(f[0]?.reason ?? '', /^budget exceeded: \$0\.0\d of \$0\.01 \(policy budget\.usd, line \d+\)$/);
      assert.ok(f[0]?.reason.endsWith(`(policy budget.usd, line ${lineOf(policy, 'usd: 0.01')})`), f[0]?.reason);
      assert.match(r.stderr, /agentlane: session frozen: budget exceeded: \$0\.0/);
    });

    it('the spend recorded before the freeze was under the cap, and the first call was allowed', () => {
      const frozenAt = r.events('session.freeze')[0]!.seq;
      // The transcript meter's figures; the gateway meters each response as it ends, so it may
      // record the crossing turn before the tool call that freezes.
      const usage = r.events('budget.usage').filter((u) => !u.source.startsWith('gateway'));
      assert.ok(usage.filter((u) => u.seq < frozenAt).every((u) => u.cost_usd < 0.01), JSON.stringify(usage));
      assert.ok(usage.some((u) => u.seq > frozenAt && u.cost_usd >= 0.01), JSON.stringify(usage));
      assert.equal(decisionOf(r, 'toolu_w1').decision, 'allow');
      assert.equal(fs.readFileSync(r.file('src/one.ts'), 'utf8'), 'one.ts\n');
    });

    it('no tool call ran after the freeze: writes and execs are denied "session is frozen", the read went through', () => {
      assertNothingRanAfterFreeze(r, FILES, ['toolu_r7']);
      assert.ok(r.toolResults().filter((t) => t.tool_use_id !== 'toolu_r7' && decisionOf(r, t.tool_use_id).decision === 'deny').every((t) => t.is_error));
    });

    // Regression (fixed): src/core/budget/sessionMeter.ts refresh() reads only what Claude Code has flushed to
    // the transcript, and the CLI flushes the assistant line AFTER it calls PreToolUse for the
    // tool_use in it. So the call of the turn that crossed the cap is decided on the spend of
    // the turns before (measured: toolu_w2 decided at $0.006, sometimes toolu_w3 too), and
    // writes land past the cap. Fix: before status(), wait (bounded, e.g. 1 s) until the
    // transcript holds the tool_use id of the call being decided.
    it('freezes at the call of the turn that crossed the cap (toolu_w2): two.ts is never written', () => {
      const frozenAt = r.events('session.freeze')[0]!.seq;
      assert.ok(frozenAt < decisionOf(r, 'toolu_w2').event.seq, describeRun(r));
      assertFrozenDeny(r, 'toolu_w2');
      assert.equal(fs.existsSync(r.file('src/two.ts')), false);
    });
  });

  describe('a model the price table does not know, with a cap set', () => {
    const FILES: Record<string, string> = {
      toolu_k1: 'src/known.ts', toolu_u2: 'src/unknown.ts', toolu_u3: 'src/three.ts', toolu_u4: 'src/four.ts', toolu_u5: 'src/five.ts',
    };
    const script = (d: LaneDirs): Turn[] => [
      write(d, 'known.ts', 'toolu_k1'),
      write(d, 'unknown.ts', 'toolu_u2', { model: 'claude-fake-9' }),
      write(d, 'three.ts', 'toolu_u3'),
      write(d, 'four.ts', 'toolu_u4'),
      write(d, 'five.ts', 'toolu_u5'),
      { usage: TURN_USAGE, text: 'done' },
    ];
    let freeze: LaneRun;
    let estimate: LaneRun;
    before(async () => {
      freeze = await runLane({ policy: `${POLICY}budget:\n  usd: 5\n  onUnknown: freeze\n`, files: SECRET_FILES, script });
      estimate = await runLane({ policy: `${POLICY}budget:\n  usd: 5\n`, files: SECRET_FILES, script });
    });
    after(async () => { await freeze?.cleanup(); await estimate?.cleanup(); });

    it('freezes with budget.onUnknown: freeze: the meter cannot tell the spend', () => {
      assert.equal(freeze.exitCode, 0, describeRun(freeze));
      assertTraceSound(freeze);
      assert.equal(freeze.events('session.freeze')[0]?.reason,
        'the budget meter cannot tell the spend: no price for model `claude-fake-9` and no fallback price: add it to the budget price table');
      assert.equal(decisionOf(freeze, 'toolu_k1').decision, 'allow');
      assert.ok(fs.existsSync(freeze.file('src/known.ts')));
      assertNothingRanAfterFreeze(freeze, FILES, []);
    });

    // Regression (fixed): same transcript lag as above (sessionMeter.ts): the call in the unknown model's own
    // turn is decided before the meter can see that model, so it runs.
    it('freezes at the unknown model\'s own call (toolu_u2)', () => {
      assertFrozenDeny(freeze, 'toolu_u2');
      assert.equal(fs.existsSync(freeze.file('src/unknown.ts')), false);
    });

    it('by default estimates the unknown model (never $0, never a day-one freeze) and continues', () => {
      assert.equal(estimate.exitCode, 0, describeRun(estimate));
      assertTraceSound(estimate);
      assert.deepEqual(estimate.events('session.freeze'), []);
      assert.deepEqual(estimate.decisions().map((d) => d.decision), ['allow', 'allow', 'allow', 'allow', 'allow']);
      for (const file of Object.values(FILES)) assert.ok(fs.existsSync(estimate.file(file)), file);
      const final = estimate.events('budget.usage').at(-1);
      // Five turns of the default model ($0.008 each) plus one estimated turn: more than the known turns alone.
      assert.ok((final?.cost_usd ?? 0) > 5 * 0.008, JSON.stringify(final));
    });
  });
});
