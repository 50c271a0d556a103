import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { budgetCommand, resolveMergePoints } from '../../../src/cli/budget';
import { buildFinopsRow, type FinopsExportInput, type FinopsMission } from '../../../src/core/budget/finopsExport';
import { parseFinopsLedger } from '../../../src/core/budget/finops';
import { parsePeriod, type Period } from '../../../src/core/budget/period';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { GitRepo } from '../audit/gitRepo';
import { memoryIo, SessionBuilder, tempDir } from '../audit/traceBuilder';

const Q2 = parsePeriod('2026-Q2') as Period;
const PAY1 = 'M-2026-04-01-pay1';
const PAY2 = 'M-2026-04-02-pay2';
const PAY3 = 'M-2026-04-03-pay3';
const OTHER = 'M-2026-04-04-oth1';
const GONE = 'M-2026-04-05-gone';
const TREE = '7'.repeat(40);
const NOT_IN_REPO = 'e'.repeat(40);

const mission = (id: string, team: string, valueStream: string | undefined, costCenter: string | undefined, usd?: number): FinopsMission => ({
  id, attribution: { team, ...(valueStream ? { valueStream } : {}), ...(costCenter ? { costCenter } : {}) }, budget: usd === undefined ? {} : { usd },
});

const MISSIONS = new Map<string, FinopsMission>([
  [PAY1, mission(PAY1, 'payments', 'core-payments', 'CC-4410', 10)],
  [PAY2, mission(PAY2, 'payments', 'core-payments', 'CC-4410', 5)],
  // No session in the period: its cap is not the team's for Q2.
  [PAY3, mission(PAY3, 'payments', 'core-payments', 'CC-4410', 100)],
  [OTHER, mission(OTHER, 'search', 'discovery', 'CC-7000', 50)],
]);

/** Moves the session's end `minutes` after its start (the builder ticks one second per event). */
function endAfter(events: TraceEvent[], minutes: number): TraceEvent[] {
  const start = Date.parse(events[0]!.ts);
  return events.map((e) => (e.event === 'session.end' ? { ...e, ts: new Date(start + minutes * 60_000).toISOString() } : e));
}

/**
 * main:  I ── B ── M1 ── Y1 ── (tip)        M1 merges f1 (X1, X2) with --no-ff; Y1 came from f2
 *         \       /                         by fast-forward; Z sits on f3, never merged.
 *          X1 ── X2
 */
interface Fixture { repo: GitRepo; x1: string; x2: string; m1: string; y1: string; z: string }

function gitFixture(root: string): Fixture {
  const repo = new GitRepo(root);
  repo.write('README.md', 'hi\n').commit('initial');
  repo.git('checkout', '-q', '-b', 'f1');
  const x1 = repo.write('src/x1.ts', '1\n').commit('x1').sha;
  const x2 = repo.write('src/x2.ts', '2\n').commit('x2').sha;
  repo.git('checkout', '-q', 'main');
  repo.write('src/b.ts', 'b\n').commit('b');
  repo.git('merge', '-q', '--no-ff', '-m', 'Merge PR 1', 'f1');
  const m1 = repo.git('rev-parse', 'HEAD');
  repo.git('checkout', '-q', '-b', 'f2');
  const y1 = repo.write('src/y1.ts', 'y\n').commit('y1').sha;
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--ff-only', 'f2');
  repo.git('checkout', '-q', '-b', 'f3');
  const z = repo.write('src/z.ts', 'z\n').commit('z').sha;
  repo.git('checkout', '-q', 'main');
  return { repo, x1, x2, m1, y1, z };
}

async function sessions(dir: string, f: Fixture): Promise<TraceEvent[][]> {
  const specs: Array<[SessionBuilder, number]> = [
    // Cumulative figures 0.5 → 1.25: the session cost 1.25, not 1.75.
    [new SessionBuilder({ sessionId: 'S-1', missionId: PAY1, t0: '2026-04-01T00:00:00Z' }).budget(0.5).budget(1.25).commit(f.x1, TREE, null).commit(f.y1, TREE, null).end(), 90],
    // X2 came in with X1 (one PR); Z never reached main; the unknown sha is not in the repo.
    [new SessionBuilder({ sessionId: 'S-2', missionId: PAY2, t0: '2026-06-30T23:59:59Z' }).budget(2).commit(f.x2, TREE, null).commit(f.z, TREE, null).commit(NOT_IN_REPO, TREE, null).end(), 30],
    // Out of the period on both sides (half-open UTC quarters).
    [new SessionBuilder({ sessionId: 'S-early', missionId: PAY1, t0: '2026-03-31T23:59:59Z' }).budget(5).end(), 10],
    [new SessionBuilder({ sessionId: 'S-late', missionId: PAY1, t0: '2026-07-01T00:00:00Z' }).budget(6).end(), 10],
    // Another team, a missing mission file, no mission at all.
    [new SessionBuilder({ sessionId: 'S-search', missionId: OTHER, t0: '2026-05-01T00:00:00Z' }).budget(7).commit(f.m1, TREE, null).end(), 10],
    [new SessionBuilder({ sessionId: 'S-gone', missionId: GONE, t0: '2026-05-02T00:00:00Z' }).budget(8).end(), 10],
    [new SessionBuilder({ sessionId: 'S-none', missionId: null, t0: '2026-05-03T00:00:00Z' }).budget(9).end(), 10],
  ];
  const out: TraceEvent[][] = [];
  for (const [b, minutes] of specs) out.push(endAfter(await b.write(path.join(dir, `${b.spec.sessionId}.trace.jsonl`)), minutes));
  return out;
}

describe('budget / finops export', () => {
  let root: string;
  let f: Fixture;
  let events: TraceEvent[][];
  let mergePointOf: (sha: string) => string | undefined;
  before(async () => {
    root = tempDir('agentlane-finops-');
    f = gitFixture(path.join(root, 'repo'));
    events = await sessions(path.join(root, 'traces'), f);
    const r = await resolveMergePoints(f.repo.root, 'main', [f.x1, f.x2, f.m1, f.y1, f.z, NOT_IN_REPO]);
    assert.ok(r.ok);
    mergePointOf = (sha) => r.points.get(sha);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const input = (over: Partial<FinopsExportInput> = {}): FinopsExportInput => ({ team: 'payments', period: Q2, sessions: events, missions: MISSIONS, mergePointOf, ...over });

  it('finds the merge point on the first-parent chain: the merge commit for every commit of a merged branch, the commit itself after a fast-forward', async () => {
    const r = await resolveMergePoints(f.repo.root, 'main', [f.x1, f.x2, f.m1, f.y1, f.z, NOT_IN_REPO]);
    assert.deepStrictEqual(r, {
      ok: true,
      // x1 is not the merged branch's tip: `rev-list --first-parent --ancestry-path x1..main` prints nothing for it.
      points: new Map([[f.x1, f.m1], [f.x2, f.m1], [f.m1, f.m1], [f.y1, f.y1]]),
      unknown: [NOT_IN_REPO],
    });
    assert.deepStrictEqual(await resolveMergePoints(f.repo.root, 'release', [f.x1]), { ok: false, reason: `no branch \`release\` in \`${f.repo.root}\`` });
  });

  it('builds the team row: sessions started in the period, max-not-sum cost, distinct merge points, wall-clock hours, caps of the active missions', () => {
    assert.deepStrictEqual(buildFinopsRow(input()), {
      ok: true,
      row: {
        team_id: 'payments',
        period: '2026-Q2',
        caps: { agent_usd: 15 },
        actuals: { agent_usd: 3.25, merged_prs: 2, agent_hours: 2, sessions: 2 },
        attribution: { value_stream: 'core-payments', cost_center: 'CC-4410' },
      },
      warnings: [`sessions in 2026-Q2 ran under missions with no mission file (${GONE}): not attributed to any team`],
    });
  });

  it('takes caps from the caller over the missions, and refuses a row with no USD cap', () => {
    const r = buildFinopsRow(input({ caps: { usd: 12000, hours: 800 } }));
    assert.deepStrictEqual(r.ok && r.row.caps, { agent_usd: 12000, agent_hours: 800 });
    const uncapped = new Map([...MISSIONS].map(([id, m]) => [id, { ...m, budget: {} }]));
    const none = buildFinopsRow(input({ missions: uncapped }));
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.reason, 'no-cap');
    assert.match(!none.ok ? none.message : '', /none of team `payments`'s missions active in the period sets budget\.usd; pass --cap-usd/);
    const partly = new Map(MISSIONS).set(PAY2, mission(PAY2, 'payments', 'core-payments', 'CC-4410'));
    const p = buildFinopsRow(input({ missions: partly }));
    assert.equal(p.ok && p.row.caps.agent_usd, 10);
    assert.ok(p.warnings.some((w) => w.includes(`missions ${PAY2} set no budget.usd`)));
  });

  it('filters by team: another team gets its own sessions only, an idle team a zero row', () => {
    const search = buildFinopsRow(input({ team: 'search' }));
    assert.deepStrictEqual(search.ok && search.row.actuals, { agent_usd: 7, merged_prs: 1, agent_hours: 0.17, sessions: 1 });
    const idle = buildFinopsRow(input({ team: 'payments', period: parsePeriod('2026-Q4') as Period, caps: { usd: 100 } }));
    assert.deepStrictEqual(idle.ok && idle.row.actuals, { agent_usd: 0, merged_prs: 0, agent_hours: 0, sessions: 0 });
    assert.deepStrictEqual(idle.ok && idle.row.attribution, { value_stream: 'core-payments', cost_center: 'CC-4410' });
  });

  it('takes the most frequent attribution when missions disagree, and warns', () => {
    const split = new Map(MISSIONS)
      .set(PAY2, mission(PAY2, 'payments', 'card-issuing', 'CC-5000', 5))
      .set(GONE, mission(GONE, 'payments', 'card-issuing', 'CC-5000', 1));
    const r = buildFinopsRow(input({ missions: split }));
    assert.deepStrictEqual(r.ok && r.row.attribution, { value_stream: 'card-issuing', cost_center: 'CC-5000' });
    assert.deepStrictEqual(r.warnings, [
      `team \`payments\`'s missions disagree on attribution: card-issuing / CC-5000 (${PAY2}, ${GONE}); core-payments / CC-4410 (${PAY1}); using the most frequent, card-issuing / CC-5000`,
    ]);
  });

  it('refuses when no mission of the team carries attribution', () => {
    const bare = new Map([...MISSIONS].map(([id, m]) => [id, { ...m, attribution: { team: m.attribution.team, valueStream: 'only-vs' } }]));
    const r = buildFinopsRow(input({ missions: bare }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'no-attribution');
    assert.equal(!r.ok && r.message, `none of team \`payments\`'s missions (${PAY1}, ${PAY2}) sets both attribution.valueStream and attribution.costCenter: add them to the mission files`);
  });

  it('refuses a row the schema rejects, naming the field', () => {
    const negative = buildFinopsRow(input({ caps: { usd: -1 } }));
    assert.deepStrictEqual(negative.ok ? undefined : [negative.reason, negative.message.split(':')[0]], ['invalid-row', 'refusing to write invalid budget ledger row']);
    assert.match(negative.ok ? '' : negative.message, /`caps\.agent_usd`/);
    const longTeam = 'x'.repeat(201);
    const missions = new Map([[PAY1, mission(PAY1, longTeam, 'vs', 'cc', 1)]]);
    const r = buildFinopsRow(input({ team: longTeam, missions }));
    assert.match(r.ok ? '' : r.message, /`team_id`/);
  });
});

const MISSION_YAML = (id: string, team: string, usd: number | undefined, vs = 'core-payments', cc = 'CC-4410'): string => `version: 1
id: ${id}
title: Mission ${id}
outcome: The payments service does something useful
intentOwner: { name: Olga Owner, email: olga@example.com }
supervisors:
  - { name: Ana Auditor, email: ana@example.com }
mode: build
classification: internal
risk: low
${usd === undefined ? '' : `budget: { usd: ${usd} }\n`}attribution: { team: ${team}, valueStream: ${vs}, costCenter: ${cc} }
`;

describe('budget / agentlane budget export', () => {
  let root: string;
  let f: Fixture;
  let traces: string;
  before(async () => {
    root = tempDir('agentlane-finops-cli-');
    f = gitFixture(path.join(root, 'repo'));
    const missions = path.join(f.repo.root, '.agentlane', 'missions');
    mkdirSync(missions, { recursive: true });
    writeFileSync(path.join(missions, `${PAY1}.yaml`), MISSION_YAML(PAY1, 'payments', 10));
    writeFileSync(path.join(missions, `${PAY2}.yaml`), MISSION_YAML(PAY2, 'payments', 5));
    writeFileSync(path.join(missions, `${OTHER}.yaml`), MISSION_YAML(OTHER, 'search', 50, 'discovery', 'CC-7000'));
    writeFileSync(path.join(missions, 'broken.yaml'), 'version: 1\nid: nope\n');
    traces = path.join(root, 'traces');
    await sessions(traces, f);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const run = async (args: string[]): Promise<{ code: number; io: ReturnType<typeof memoryIo> }> => {
    const io = memoryIo(root);
    return { code: await budgetCommand(['export', ...args], io), io };
  };

  it('writes the validated row and says what it wrote', async () => {
    const { code, io } = await run(['--period', '2026-Q2', '--team', 'payments', '--trace-dir', 'traces', '--repo', 'repo', '--out', 'q2.json']);
    assert.equal(code, 0, io.text());
    const row: unknown = JSON.parse(readFileSync(path.join(root, 'q2.json'), 'utf8'));
    assert.equal(parseFinopsLedger(row).ok, true);
    assert.deepStrictEqual(row, {
      team_id: 'payments', period: '2026-Q2', caps: { agent_usd: 15 },
      // Hours from the real traces: S-1 and S-2 each ran 5 s (one second per event).
      actuals: { agent_usd: 3.25, merged_prs: 2, agent_hours: 0, sessions: 2 },
      attribution: { value_stream: 'core-payments', cost_center: 'CC-4410' },
    });
    assert.deepStrictEqual(io.stdout, [`wrote ${path.join(root, 'q2.json')}: payments 2026-Q2: $3.25 of $15.00, 2 merged PRs, 2 sessions, 0 h`]);
    assert.ok(io.stderr.some((l) => /^agentlane: warning: skipping mission .*broken\.yaml: line \d+: /.test(l)), io.text());
    assert.ok(io.stderr.includes(`agentlane: warning: commits not in ${path.join(root, 'repo')} (not counted as merged): ${NOT_IN_REPO}`), io.text());
  });

  it('reads a directory ledger (`dir:` URL) and takes caps from the flags', async () => {
    const { code, io } = await run(['--period', '2026-Q2', '--team', 'search', '--ledger', `dir:${traces}`, '--repo', 'repo',
      '--cap-usd', '12000', '--cap-hours', '800', '--out', 'search.json']);
    assert.equal(code, 0, io.text());
    const row = JSON.parse(readFileSync(path.join(root, 'search.json'), 'utf8')) as { caps: unknown; actuals: { merged_prs: number } };
    assert.deepStrictEqual(row.caps, { agent_usd: 12000, agent_hours: 800 });
    assert.equal(row.actuals.merged_prs, 1);
  });

  it('exits 2 and writes nothing for an invalid row or a team without attribution', async () => {
    const neg = await run(['--period', '2026-Q2', '--team', 'payments', '--trace-dir', 'traces', '--repo', 'repo', '--cap-usd=-5', '--out', 'neg.json']);
    assert.equal(neg.code, 2);
    assert.match(neg.io.stderr.at(-1) ?? '', /^agentlane: refusing to write invalid budget ledger row: `caps\.agent_usd`: /);
    assert.equal(existsSync(path.join(root, 'neg.json')), false);
    const nobody = await run(['--period', '2026-Q2', '--team', 'ghosts', '--trace-dir', 'traces', '--repo', 'repo', '--cap-usd', '1', '--out', 'ghosts.json']);
    assert.equal(nobody.code, 2);
    assert.equal(nobody.io.stderr.at(-1), "agentlane: none of team `ghosts`'s missions (none) sets both attribution.valueStream and attribution.costCenter: add them to the mission files");
    assert.equal(existsSync(path.join(root, 'ghosts.json')), false);
    const noBranch = await run(['--period', '2026-Q2', '--team', 'payments', '--trace-dir', 'traces', '--repo', 'repo', '--branch', 'trunk', '--out', 'x.json']);
    assert.equal(noBranch.code, 2);
    assert.match(noBranch.io.text(), /cannot count merged PRs: no branch `trunk`/);
  });

  it('rejects bad arguments as usage errors', async () => {
    const usage = (args: string[]): Promise<string> => budgetCommand(args, memoryIo(root)).then(() => 'ok', (e: Error) => `${e.name}: ${e.message.split('\n')[0]}`);
    assert.equal(await usage(['export', '--period', '2026-Q5', '--team', 't', '--out', 'o.json']), 'UsageError: --period must be YYYY, YYYY-H1, YYYY-Q2 or YYYY-MM, got `2026-Q5`');
    assert.equal(await usage(['export', '--period', '2026-Q2', '--out', 'o.json']), 'UsageError: --team is required');
    assert.equal(await usage(['export', '--period', '2026-Q2', '--team', 't', '--out', 'o.json', '--cap-usd', 'lots']), 'UsageError: --cap-usd must be a number, got `lots`');
    assert.equal(await usage(['export', '--period', '2026-Q2', '--team', 't', '--out', 'o.json', '--trace-dir', 'a', '--ledger', 'b']), 'UsageError: give either --trace-dir or --ledger, not both');
    assert.equal(await usage(['export', '--period', '2026-Q2', '--team', 't', '--out', 'o.json', '--ledger', 'postgres://db/x']),
      'UsageError: --ledger: only a directory ledger (dir:/path) can be read back for an export, not `postgres:`');
    assert.equal(await usage(['import']), 'UsageError: unknown budget command `import`');
  });
});
