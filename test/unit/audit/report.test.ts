import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { reportCommand } from '../../../src/cli/report';
import { buildReport, type Counts, type Report, type ReportSessionInput } from '../../../src/core/audit/report';
import type { TraceEvent } from '../../../src/core/trace/schema';
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
    completeness: { sessions_intact: 0, intact_share: null, commits_linked: 0, linked_share: null },
    ...over,
  };
}

const A = counts({
  sessions: 1, tool_calls: 4, allows: 2, asks: 1, denies: 2, denies_by_rule: { 'paths.deny[0]': 1, 'network.deny[0]': 1 },
  approvals: { answered: 1, allowed: 1, denied: 0, by: { 'Ana Auditor': 1 } }, egress_blocks: 1, commits: 1, cost_usd: 1.25,
  completeness: { sessions_intact: 1, intact_share: 1, commits_linked: 1, linked_share: 1 },
});
const B = counts({
  sessions: 1, tool_calls: 1, asks: 1, denies: 1, denies_by_rule: { 'approval.denied': 1 },
  approvals: { answered: 1, allowed: 0, denied: 1, by: { 'Bob Boss': 1 } }, freezes: 1, commits: 1, cost_usd: 2,
  completeness: { sessions_intact: 0, intact_share: 0, commits_linked: 0, linked_share: 0 },
});
const C = counts({
  sessions: 1, tool_calls: 1, allows: 1,
  completeness: { sessions_intact: 1, intact_share: 1, commits_linked: 0, linked_share: null },
});
const AB = counts({
  sessions: 2, tool_calls: 5, allows: 2, asks: 2, denies: 3, denies_by_rule: { 'paths.deny[0]': 1, 'network.deny[0]': 1, 'approval.denied': 1 },
  approvals: { answered: 2, allowed: 1, denied: 1, by: { 'Ana Auditor': 1, 'Bob Boss': 1 } }, egress_blocks: 1, freezes: 1, commits: 2, cost_usd: 3.25,
  completeness: { sessions_intact: 1, intact_share: 0.5, commits_linked: 1, linked_share: 0.5 },
});
const ABC = counts({
  ...AB, sessions: 3, tool_calls: 6, allows: 3,
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
      assert.match(human.stdout.join('\n'), /^2026-06 +2 +5 +2 +2 +3 +1 +1 +1\/2 +50% +\$3\.25$/m);
      assert.equal(await reportCommand(['--trace-dir', '.', '--by', 'team'], memoryIo(root)).catch((e: Error) => e.name), 'UsageError');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
