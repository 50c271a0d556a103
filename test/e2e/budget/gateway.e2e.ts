// The model gateway against the real Claude Code CLI on its DEFAULT model (no --model anywhere):
// the agent reaches the (fake) model only through the lane's gateway. The gateway's meter equals
// the CLI's own total_cost_usd; after the cap the upstream sees at most one more request and the
// person sees why; a model outside model.allow is refused; a secret from an allowed file reaches
// the upstream masked; with the gateway gone no model request succeeds.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Usage } from '../support/fakeAnthropic';
import { cleanupAllLanes, runLane, turn, type LaneRun } from '../support/lane';
import { assertTraceSound, describeRun, POLICY, requirePrereqs, SECRET_FILES } from '../lane/common';

const DEFAULT_MODEL = 'claude-opus-5-5';
/** $0.008 a turn at claude-opus-5-5 list prices: 1000 × $4 + 200 × $20 per MTok. */
const TURN_USAGE: Usage = { input_tokens: 1000, output_tokens: 200 };
const GHP = `ghp_${'R8kq2ZbX0pW7nLm4'.repeat(3).slice(0, 36)}`;

function gatewayUsage(r: LaneRun): Array<{ cost_usd: number; source: string }> {
  return r.events('budget.usage').filter((e) => e.source.startsWith('gateway'));
}

describe('budget: the model gateway (real Claude Code, default model)', function () {
  this.timeout(180_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  describe('metering', () => {
    const USAGE: Usage[] = [
      { input_tokens: 2200, output_tokens: 340, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000 },
      { input_tokens: 1500, output_tokens: 820, cache_read_input_tokens: 12_000 },
      { input_tokens: 90, output_tokens: 55, cache_read_input_tokens: 26_000, cache_creation_input_tokens: 900 },
    ];
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: `${POLICY}budget:\n  usd: 5\n`,
        files: SECRET_FILES,
        script: (d) => [
          turn.read(d, 'README.md', 'toolu_g1', { usage: USAGE[0] }),
          turn.write(d, 'src/g.ts', 'g\n', 'toolu_g2', { usage: USAGE[1] }),
          { usage: USAGE[2], text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('every model request went through the gateway, on the CLI\'s default model', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assertTraceSound(r);
      const models = new Set(r.api.turnRequests().map((q) => (q.body as { model: string }).model));
      assert.deepEqual([...models], [DEFAULT_MODEL]);
      assert.ok(gatewayUsage(r).length >= 3, JSON.stringify(r.events('budget.usage')));
    });

    it('the gateway\'s meter equals the CLI\'s own total_cost_usd within 1%', () => {
      const cli = r.result?.total_cost_usd;
      assert.equal(typeof cli, 'number', r.stdout);
      const meter = Math.max(...gatewayUsage(r).map((u) => u.cost_usd));
      const deltaPct = (((cli as number) - meter) / Math.max(cli as number, meter)) * 100;
      process.stdout.write(`      gateway $${meter.toFixed(6)} vs CLI $${(cli as number).toFixed(6)}: delta ${deltaPct.toFixed(3)}%\n`);
      assert.ok(Math.abs(deltaPct) <= 1, `gateway ${meter} vs CLI ${String(cli)}`);
    });
  });

  describe('the cap stops the model, not just the tools', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: `${POLICY}budget:\n  usd: 0.01\n`,
        files: SECRET_FILES,
        script: (d) => Array.from({ length: 8 }, (_, i) => turn.write(d, `src/c${i}.ts`, `${i}\n`, `toolu_c${i}`, { usage: TURN_USAGE })),
      });
    });
    after(() => r?.cleanup());

    it('after the response that crossed the cap the upstream sees at most one more request', () => {
      // Turn 2 ($0.016) crosses the $0.01 cap; everything after it is refused at the gateway.
      const turns = r.api.turnRequests().length;
      assert.ok(turns <= 3, `${turns} turn requests reached the upstream\n${describeRun(r)}`);
      const spent = Math.max(...gatewayUsage(r).map((u) => u.cost_usd));
      assert.ok(spent <= 0.01 + 2 * 0.008 + 1e-9, `spent ${spent}`);
    });

    it('the person sees why: the refusal names the cap and its policy line', () => {
      assert.match(r.stderr, /agentlane: model request refused: Agent Lane: budget reached: \$0\.0\d of \$0\.01 \(policy budget\.usd, line \d+\) — raise it in the sidebar/, describeRun(r));
      assert.match(r.stdout, /Agent Lane: budget reached/, r.stdout);
    });
  });

  describe('model.allow', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: `${POLICY}model:\n  allow: [claude-haiku-4-5]\n`,
        files: SECRET_FILES,
        script: (d) => [turn.write(d, 'src/never.ts', 'x\n', 'toolu_never'), { text: 'done' }],
      });
    });
    after(() => r?.cleanup());

    it('a model outside the allowlist is refused before it reaches the upstream, and the person sees why', () => {
      assert.equal(r.api.turnRequests().length, 0, describeRun(r));
      assert.equal(fs.existsSync(r.file('src/never.ts')), false);
      assert.match(r.stderr, new RegExp(`model request refused: Agent Lane: model \`${DEFAULT_MODEL}\` is not allowed \\(policy model\\.allow, line \\d+: claude-haiku-4-5\\)`), describeRun(r));
      assert.match(r.stdout, /is not allowed/);
    });
  });

  describe('model.redact', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: `${POLICY}model:\n  redact: true\n`,
        files: { ...SECRET_FILES, 'src/config.ts': `export const githubToken = '${GHP}';\n` },
        script: (d) => [turn.read(d, 'src/config.ts', 'toolu_cfg'), { text: 'done' }],
      });
    });
    after(() => r?.cleanup());

    it('a secret from an allowed file reaches the upstream masked', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      const read = r.decisions().find((d) => d.toolUseId === 'toolu_cfg');
      assert.equal(read?.decision, 'allow', 'the file itself is allowed: only the gateway stands between it and the model');
      const text = r.api.allRequestText();
      assert.ok(!text.includes(GHP), 'the token reached the upstream');
      assert.match(text, /\[REDACTED:github-token\]/);
    });
  });

  describe('the gateway killed mid-session', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: POLICY,
        files: SECRET_FILES,
        env: { CLAUDE_CODE_MAX_RETRIES: '1', API_TIMEOUT_MS: '5000' },
        script: (d) => [
          turn.write(d, 'src/k1.ts', '1\n', 'toolu_k1', { delayMs: 1500 }),
          turn.write(d, 'src/k2.ts', '2\n', 'toolu_k2'),
          turn.write(d, 'src/k3.ts', '3\n', 'toolu_k3'),
          { text: 'done' },
        ],
        // The gateway lives in the lane: SIGKILL takes it down while the CLI waits for turn 1.
        signal: { signal: 'SIGKILL', afterTurnRequests: 1 },
        timeoutMs: 150_000,
      });
    });
    after(() => r?.cleanup());

    it('no further model request succeeds: the upstream sees nothing after the kill', () => {
      assert.equal(r.signal, 'SIGKILL', describeRun(r));
      assert.equal(r.api.turnRequests().length, 1, describeRun(r));
      // In its box the CLI dies with the lane; without one it finds the model gone.
      if (r.result !== undefined) {
        assert.equal(r.result.is_error, true, JSON.stringify(r.result));
        assert.equal(r.result.api_error, 'connection_failed', JSON.stringify(r.result));
      }
      assert.equal(fs.existsSync(r.file('src/k2.ts')), false);
    });
  });
});
