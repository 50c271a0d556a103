// The budget meter against the real Claude Code CLI: for one session, our transcript-based
// figure (the trace's last budget.usage, recorded at close with source `final`) must match the
// CLI's own `total_cost_usd` within 1%, over turns that use every token class. The same trace
// then goes through `agentlane budget export` (in process: budgetCommand) for the mission's team.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { budgetCommand } from '../../../src/cli/budget';
import { quarterOf } from '../../../src/core/budget/period';
import type { Usage } from '../support/fakeAnthropic';
import { cleanupAllLanes, runLane, type LaneRun } from '../support/lane';
import { assertTraceSound, describeRun, POLICY, requirePrereqs, SECRET_FILES } from '../lane/common';

const MISSION_ID = 'M-2026-11-21-fin0';
const MISSION = `version: 1
id: ${MISSION_ID}
title: Meter check
outcome: The meter agrees with the CLI on the session cost
intentOwner: { name: Olga Owner, email: olga@example.com }
supervisors:
  - { name: Sam Supervisor, email: sam@example.com }
mode: build
classification: internal
risk: low
budget: { usd: 5 }
attribution: { team: payments-art-2, valueStream: core-payments, costCenter: CC-4410 }
`;

// Varied usage: fresh input, output, cache reads and cache writes in different proportions.
const USAGE: Usage[] = [
  { input_tokens: 2200, output_tokens: 340, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000 },
  { input_tokens: 1500, output_tokens: 820, cache_read_input_tokens: 12_000, cache_creation_input_tokens: 0 },
  { input_tokens: 310, output_tokens: 1200, cache_read_input_tokens: 20_000, cache_creation_input_tokens: 4100 },
  { input_tokens: 90, output_tokens: 55, cache_read_input_tokens: 26_000, cache_creation_input_tokens: 900 },
];

/** claude-opus-5-5 (the CLI default) list prices per MTok, as the CLI itself prices them. */
function expectedUsd(us: readonly Usage[]): number {
  return us.reduce((s, u) => s + (u.input_tokens * 4 + u.output_tokens * 20 + (u.cache_read_input_tokens ?? 0) * 0.2
    + (u.cache_creation_input_tokens ?? 0) * 5) / 1e6, 0);
}

describe('budget: meter vs the CLI total (real Claude Code)', function () {
  this.timeout(180_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  let r: LaneRun;
  before(async () => {
    r = await runLane({
      policy: POLICY,
      files: { ...SECRET_FILES, [`.agentlane/missions/${MISSION_ID}.yaml`]: MISSION },
      laneArgs: (d) => ['--mission', path.join(d.ws, `.agentlane/missions/${MISSION_ID}.yaml`)],
      script: (d) => [
        { usage: USAGE[0], toolUses: [{ name: 'Read', input: { file_path: path.join(d.ws, 'README.md') }, id: 'toolu_m1' }] },
        { usage: USAGE[1], text: 'writing now', toolUses: [{ name: 'Write', input: { file_path: path.join(d.ws, 'src/m.ts'), content: 'm\n' }, id: 'toolu_m2' }] },
        { usage: USAGE[2], toolUses: [{ name: 'Bash', input: { command: 'ls src' }, id: 'toolu_m3' }] },
        { usage: USAGE[3], text: 'done' },
      ],
    });
  });
  after(() => r?.cleanup());

  it('runs the scripted session to the end', () => {
    assert.equal(r.exitCode, 0, describeRun(r));
    assertTraceSound(r);
    assert.deepEqual(r.decisions().map((d) => [d.toolUseId, d.decision]), [['toolu_m1', 'allow'], ['toolu_m2', 'allow'], ['toolu_m3', 'allow']]);
    assert.equal(fs.readFileSync(r.file('src/m.ts'), 'utf8'), 'm\n');
  });

  it('the trace\'s final budget.usage equals the CLI\'s total_cost_usd within 1%', () => {
    const cli = r.result?.total_cost_usd;
    assert.equal(typeof cli, 'number', `no total_cost_usd in the result line:\n${r.stdout}`);
    const usage = r.events('budget.usage');
    const last = usage.at(-1);
    assert.equal(last?.source, 'final', JSON.stringify(usage));
    const meter = last.cost_usd;
    const cliUsd = cli as number;
    const deltaPct = ((cliUsd - meter) / Math.max(cliUsd, meter)) * 100;
    process.stdout.write(`      meter $${meter.toFixed(6)} vs CLI $${cliUsd.toFixed(6)} (expected $${expectedUsd(USAGE).toFixed(6)}): delta ${deltaPct.toFixed(3)}%\n`);
    assert.ok(Math.abs(deltaPct) <= 1, `meter ${meter} vs CLI ${cliUsd}: ${deltaPct.toFixed(3)}%`);
    // Both priced what the fake reported, so both match the list-price arithmetic too.
    assert.ok(Math.abs(meter - expectedUsd(USAGE)) / expectedUsd(USAGE) <= 0.01, `meter ${meter} vs expected ${expectedUsd(USAGE)}`);
    // The token counts the meter saw are the scripted ones, each response counted once.
    const sum = (k: keyof Usage): number => USAGE.reduce((s, u) => s + (u[k] ?? 0), 0);
    assert.deepEqual(last.usage, {
      input: sum('input_tokens'), output: sum('output_tokens'), cache_write: sum('cache_creation_input_tokens'), cache_read: sum('cache_read_input_tokens'),
    });
    // Cumulative figures only grow: the report and the export take the max, never the sum.
    const costs = usage.map((u) => u.cost_usd);
    assert.deepEqual([...costs].sort((a, b) => a - b), costs);
  });

  it('budget export books the session to the mission\'s team at the metered cost', async () => {
    const out = path.join(r.dirs.scratch, 'ledger-row.json');
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), cwd: r.ws };
    const code = await budgetCommand(['export', '--period', quarterOf(new Date(r.trace[0]!.ts)), '--team', 'payments-art-2',
      '--trace-dir', r.dirs.traces, '--repo', r.ws, '--out', out], io);
    assert.equal(code, 0, lines.join('\n'));
    const row = JSON.parse(fs.readFileSync(out, 'utf8')) as { caps: unknown; actuals: { agent_usd: number; merged_prs: number; sessions: number; agent_hours: number }; attribution: unknown };
    const final = r.events('budget.usage').at(-1)?.cost_usd ?? -1;
    assert.deepEqual(row.caps, { agent_usd: 5 });
    assert.equal(row.actuals.agent_usd, Math.round(final * 100) / 100);
    assert.equal(row.actuals.sessions, 1);
    assert.equal(row.actuals.merged_prs, 0);
    assert.deepEqual(row.attribution, { value_stream: 'core-payments', cost_center: 'CC-4410' });
  });
});
