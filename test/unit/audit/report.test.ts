import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { reportCommand } from '../../../src/cli/report';
import { buildReport, type Containment, type Counts, type Report, type ReportSessionInput } from '../../../src/core/audit/report';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { GitRepo } from './gitRepo';
import { memoryIo, readLines, SessionBuilder, tempDir, writeLines } from './traceBuilder';

const M1 = 'M-2026-06-01-ab12';
const T1 = '1'.repeat(40);
const T2 = '2'.repeat(40);

function sessionA(): SessionBuilder {
  const b = new SessionBuilder({ sessionId: 'S-A', missionId: M1, t0: '2026-06-01T09:00:00Z' });
  b.tool({ paths: ['/work/repo/src/a.ts'] });
  b.tool({ paths: ['/work/repo/.env'], decision: 'deny', rule: 'paths.deny[0]' });
  b.tool({ tool: 'WebFetch', action: 'net.fetch', kinds: ['net.fetch'], hosts: ['evil.example'], decision: 'deny', rule: 'network.deny[0]' });
  b.asked({ paths: ['/work/repo/infra/main.tf'] }, 'allow-once', 'Ana Auditor');
  b.budget(0.5).budget(1.25).ack('K-1', T1, 'Ana Auditor').commit('c'.repeat(40), T1, 'K-1');
  return b.end();
}

function sessionB(): SessionBuilder {
  const b = new SessionBuilder({ sessionId: 'S-B', missionId: M1, t0: '2026-06-02T10:00:00Z' });
  b.asked({ paths: ['/work/repo/infra/prod.tf'] }, 'deny', 'Bob Boss');
  b.freeze('Ana Auditor', 'looks off').budget(2).commit('d'.repeat(40), T2, null);
  return b.end();
}

function sessionC(): SessionBuilder {
  const b = new SessionBuilder({ sessionId: 'S-C', missionId: null, t0: '2026-07-01T08:00:00Z' });
  b.tool({ action: 'file.read', paths: ['/work/repo/README.md'] });
  return b.end();
}

function counts(over: Partial<Counts>): Counts {
  return {
    sessions: 0, tool_calls: 0, allows: 0, asks: 0, denies: 0, denies_by_rule: {},
    approvals: { answered: 0, allowed: 0, denied: 0, by: {} }, egress_blocks: 0, freezes: 0, commits: 0, cost_usd: null,
    linked_commits: 0, merged_prs: null, cost_per_pr: { usd: null, per: 'linked_commit' },
    containment: box(0),
    completeness: { sessions_intact: 0, intact_share: null, commits_linked: 0, linked_share: null },
    ...over,
  };
}

/** Sessions recorded before the sandbox existed: none of them says how it ran. */
function box(unrecorded: number, over: Partial<Containment> = {}): Containment {
  return {
    sandbox_off: 0, sandbox_off_reasons: {}, sandbox_unrecorded: unrecorded, sandbox_violations: 0, violations_by_kind: {},
    hooks_refused: 0, unacked_commits: 0, sessions_unended: 0, ...over,
  };
}

const A = counts({
  sessions: 1, containment: box(1), tool_calls: 4, allows: 2, asks: 1, denies: 2, denies_by_rule: { 'paths.deny[0]': 1, 'network.deny[0]': 1 },
  approvals: { answered: 1, allowed: 1, denied: 0, by: { 'Ana Auditor': 1 } }, egress_blocks: 1, commits: 1, cost_usd: 1.25,
  linked_commits: 1, cost_per_pr: { usd: 1.25, per: 'linked_commit' },
  completeness: { sessions_intact: 1, intact_share: 1, commits_linked: 1, linked_share: 1 },
});
const B = counts({
  sessions: 1, containment: box(1), tool_calls: 1, asks: 1, denies: 1, denies_by_rule: { 'approval.denied': 1 },
  approvals: { answered: 1, allowed: 0, denied: 1, by: { 'Bob Boss': 1 } }, freezes: 1, commits: 1, cost_usd: 2,
  linked_commits: 1, cost_per_pr: { usd: 2, per: 'linked_commit' },
  completeness: { sessions_intact: 0, intact_share: 0, commits_linked: 0, linked_share: 0 },
});
const C = counts({
  sessions: 1, containment: box(1), tool_calls: 1, allows: 1,
  completeness: { sessions_intact: 1, intact_share: 1, commits_linked: 0, linked_share: null },
});
const AB = counts({
  sessions: 2, containment: box(2), tool_calls: 5, allows: 2, asks: 2, denies: 3, denies_by_rule: { 'paths.deny[0]': 1, 'network.deny[0]': 1, 'approval.denied': 1 },
  approvals: { answered: 2, allowed: 1, denied: 1, by: { 'Ana Auditor': 1, 'Bob Boss': 1 } }, egress_blocks: 1, freezes: 1, commits: 2, cost_usd: 3.25,
  linked_commits: 2, cost_per_pr: { usd: 1.625, per: 'linked_commit' },
  completeness: { sessions_intact: 1, intact_share: 0.5, commits_linked: 1, linked_share: 0.5 },
});
const ABC = counts({
  ...AB, sessions: 3, tool_calls: 6, allows: 3, containment: box(3),
  completeness: { sessions_intact: 2, intact_share: 2 / 3, commits_linked: 1, linked_share: 0.5 },
});

describe('audit report', () => {
  let dir: string;
  let sessions: ReportSessionInput[];
  before(async () => {
    dir = tempDir();
    const events: TraceEvent[][] = [];
    for (const b of [sessionA(), sessionB(), sessionC()]) events.push(await b.write(path.join(dir, `${b.spec.sessionId}.trace.jsonl`)));
    sessions = events.map((e, i) => ({ events: e, intact: i !== 1 }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('aggregates per mission: calls, decisions, denies by rule, approvals by person, egress, freezes, commits, completeness, cost', () => {
    const expected: Report = {
      by: 'mission', period: null, since: null, until: null,
      groups: [{ key: '(no mission)', ...C }, { key: M1, ...AB }],
      total: ABC,
      sessions: [
        { session_id: 'S-A', mission_id: M1, start: '2026-06-01T09:00:00.000Z', cost_usd: 1.25 },
        { session_id: 'S-B', mission_id: M1, start: '2026-06-02T10:00:00.000Z', cost_usd: 2 },
        { session_id: 'S-C', mission_id: null, start: '2026-07-01T08:00:00.000Z', cost_usd: null },
      ],
    };
    assert.deepStrictEqual(buildReport(sessions, { by: 'mission' }), expected);
  });

  it('aggregates per session in start order and per month', () => {
    assert.deepStrictEqual(buildReport([sessions[2]!, sessions[1]!, sessions[0]!], { by: 'session' }).groups,
      [{ key: 'S-A', ...A }, { key: 'S-B', ...B }, { key: 'S-C', ...C }]);
    assert.deepStrictEqual(buildReport(sessions, { by: 'period' }).groups, [{ key: '2026-06', ...AB }, { key: '2026-07', ...C }]);
    assert.deepStrictEqual(buildReport(sessions, { by: 'period', period: 'day' }).groups.map((g) => g.key), ['2026-06-01', '2026-06-02', '2026-07-01']);
  });

  it('takes the last cumulative cost of a session, never the sum of its budget events', () => {
    assert.equal(buildReport([sessions[0]!], { by: 'session' }).total.cost_usd, 1.25);
  });

  it('keeps sessions that started inside [since, until)', () => {
    const r = buildReport(sessions, { by: 'mission', since: Date.parse('2026-06-02T00:00:00Z'), until: Date.parse('2026-07-01T00:00:00Z') });
    assert.deepStrictEqual(r.groups, [{ key: M1, ...B }]);
    assert.equal(r.since, '2026-06-02T00:00:00.000Z');
  });

  it('counts an ack of another tree as not linked', async () => {
    const b = new SessionBuilder({ sessionId: 'S-D', missionId: M1 }).ack('K-9', T2, 'Ana Auditor').commit('e'.repeat(40), T1, null).end();
    const events = await b.write(path.join(dir, 'S-D.trace.jsonl'));
    assert.equal(buildReport([{ events, intact: true }], { by: 'session' }).total.completeness.commits_linked, 0);
  });

  it('counts sandbox-off sessions, violations, refused hook requests, unacknowledged commits and unended sessions', async () => {
    const off = new SessionBuilder({ sessionId: 'S-off', missionId: M1 });
    off.inputs.push(
      { event: 'sandbox.status', actor: 'system', state: 'off', backend: 'none', reason: 'workspace policy `sandbox: off` (line 4)' },
      { event: 'hook.refused', actor: 'system', route: '/hooks/pre-tool-use', reason: 'wrong bearer token', status: 401, size: 380 },
      { event: 'hook.refused', actor: 'system', route: '/hooks/post-tool-use', reason: 'request body over 1 MiB', status: 413, size: 2_000_000 },
    );
    for (const acknowledged of [false, false]) {
      // The same unacknowledged commit seen twice (two refs) counts once.
      off.inputs.push({ event: 'commit.observed', actor: 'system', commit_sha: 'f'.repeat(40), tree: T1, parents: [], ref: 'refs/heads/main', ack_id: null, ack_by: null, acknowledged });
    }
    const on = new SessionBuilder({ sessionId: 'S-on', missionId: M1 });
    on.inputs.push(
      { event: 'sandbox.status', actor: 'system', state: 'on', backend: 'bubblewrap', reason: 'policy default' },
      { event: 'sandbox.violation', actor: 'system', kind: 'network', target: 'evil.example.com:443', detail: 'not in net.allow' },
      { event: 'sandbox.violation', actor: 'system', kind: 'file', target: '/work/repo/.env', detail: 'paths.deny' },
    );
    const events = [await off.write(path.join(dir, 'S-off.trace.jsonl')), await on.end().write(path.join(dir, 'S-on.trace.jsonl'))];
    const r = buildReport([...events.map((e) => ({ events: e, intact: true })), sessions[2]!], { by: 'session' });
    assert.deepStrictEqual(r.total.containment, {
      sandbox_off: 1, sandbox_off_reasons: { 'workspace policy `sandbox: off` (line 4)': 1 }, sandbox_unrecorded: 1,
      sandbox_violations: 2, violations_by_kind: { network: 1, file: 1 }, hooks_refused: 2, unacked_commits: 1, sessions_unended: 1,
    });
    const io = memoryIo(dir);
    assert.equal(await reportCommand(['--trace-dir', '.', '--by', 'session'], io), 0, io.text());
    assert.match(io.text(), /^S-off: SANDBOX OFF in 1 session\(s\) \(workspace policy `sandbox: off` \(line 4\) 1\); refused hook requests: 2; UNACKNOWLEDGED commits \(host-observed\): 1; sessions without session\.end: 1$/m);
    assert.match(io.text(), /^S-on: sandbox violations: 2 \(network 1, file 1\)$/m);
  });

  it('reports from a trace directory, taking integrity from the verifier', async () => {
    const root = tempDir();
    try {
      for (const b of [sessionA(), sessionB(), sessionC()]) await b.write(path.join(root, `${b.spec.sessionId}.trace.jsonl`));
      const bFile = path.join(root, 'S-B.trace.jsonl');
      writeLines(bFile, readLines(bFile).filter((_, i) => i !== 2));
      const io = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', '.', '--json', '--until', '2026-06-30'], io), 0, io.text());
      const r = JSON.parse(io.stdout[0]!) as Report;
      assert.deepStrictEqual(r.groups.map((g) => [g.key, g.sessions, g.completeness.sessions_intact]), [[M1, 2, 1]]);
      assert.equal(r.until, '2026-07-01T00:00:00.000Z');
      const human = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', '.', '--by', 'period'], human), 0);
      assert.match(human.stdout.join('\n'), /^2026-06 +2 +5 +2 +2 +3 +1 +1 +1\/2 +50% +\$3\.25 +\$1\.63$/m);
      assert.equal(await reportCommand(['--trace-dir', '.', '--by', 'team'], memoryIo(root)).catch((e: Error) => e.name), 'UsageError');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  describe('agent $ per merged PR', () => {
    let root: string;
    let io: ReturnType<typeof memoryIo>;
    const M2 = 'M-2026-06-03-cd34';
    before(async () => {
      root = tempDir();
      // Two commits of one PR (merged with --no-ff) from two sessions of M1; one fast-forwarded commit of M2.
      const repo = new GitRepo(path.join(root, 'repo'));
      repo.write('a', 'a\n').commit('initial');
      repo.git('checkout', '-q', '-b', 'pr1');
      const x1 = repo.write('x1', '1\n').commit('x1');
      const x2 = repo.write('x2', '2\n').commit('x2');
      repo.git('checkout', '-q', 'main');
      repo.write('b', 'b\n').commit('b');
      repo.git('merge', '-q', '--no-ff', '-m', 'Merge PR 1', 'pr1');
      repo.git('checkout', '-q', '-b', 'pr2');
      const y1 = repo.write('y1', 'y\n').commit('y1');
      repo.git('checkout', '-q', 'main');
      repo.git('merge', '-q', '--ff-only', 'pr2');
      const traces = path.join(root, 'traces');
      const s1 = new SessionBuilder({ sessionId: 'S-1', missionId: M1, t0: '2026-06-01T09:00:00Z' }).budget(1).budget(3).commit(x1.sha, x1.tree, null).end();
      const s2 = new SessionBuilder({ sessionId: 'S-2', missionId: M1, t0: '2026-06-02T09:00:00Z' }).budget(1).commit(x2.sha, x2.tree, null).end();
      const s3 = new SessionBuilder({ sessionId: 'S-3', missionId: M2, t0: '2026-06-03T09:00:00Z' }).budget(0.5).commit(y1.sha, y1.tree, null).end();
      for (const b of [s1, s2, s3]) await b.write(path.join(traces, `${b.spec.sessionId}.trace.jsonl`));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('divides each mission\'s cost by its distinct merge points, and shows cost per mission and per session (--json)', async () => {
      io = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', 'traces', '--repo', 'repo', '--json'], io), 0, io.text());
      const r = JSON.parse(io.stdout[0]!) as Report;
      assert.deepStrictEqual(r.groups.map((g) => [g.key, g.cost_usd, g.linked_commits, g.merged_prs, g.cost_per_pr]), [
        [M1, 4, 2, 1, { usd: 4, per: 'merged_pr' }],
        [M2, 0.5, 1, 1, { usd: 0.5, per: 'merged_pr' }],
      ]);
      assert.deepStrictEqual([r.total.merged_prs, r.total.cost_per_pr], [2, { usd: 2.25, per: 'merged_pr' }]);
      assert.deepStrictEqual(r.sessions.map((s) => [s.session_id, s.mission_id, s.cost_usd]), [['S-1', M1, 3], ['S-2', M1, 1], ['S-3', M2, 0.5]]);
    });

    it('prints $/merged PR with a repository, and $/commit (labelled) without', async () => {
      io = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', 'traces', '--repo', 'repo'], io), 0, io.text());
      const text = io.stdout.join('\n');
      assert.match(text, /cost +merged PRs +\$\/merged PR$/m);
      assert.match(text, new RegExp(`^${M1} .* \\$4\\.00 +1 +\\$4\\.00$`, 'm'));
      assert.match(text, /^total .* \$4\.50 +2 +\$2\.25$/m);
      assert.match(text, /^cost by session:\n {2}S-1 {2}M-2026-06-01-ab12 {2}2026-06-01T09:00:00\.000Z {2}\$3\.00$/m);
      io = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', 'traces'], io), 0, io.text());
      assert.match(io.stdout.join('\n'), /^total .* \$4\.50 +\$1\.50$/m);
      assert.match(io.stdout.join('\n'), /^\* \$\/commit: agent cost per commit the sessions recorded \(no --repo/m);
      assert.equal(await reportCommand(['--trace-dir', 'traces', '--branch', 'main'], memoryIo(root)).catch((e: Error) => e.name), 'UsageError');
      io = memoryIo(root);
      assert.equal(await reportCommand(['--trace-dir', 'traces', '--repo', 'repo', '--branch', 'trunk'], io), 2);
      assert.match(io.text(), /cannot count merged PRs: no branch `trunk`/);
    });
  });
});
