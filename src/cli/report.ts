/**
 * `agentlane report` — governance numbers per mission, session or period from a trace
 * directory. The aggregation is core/audit/report.ts (pure); this file reads, verifies, prints.
 */
import * as path from 'node:path';
import { auditCommand } from '../core/audit/cliSupport';
import { sinceBound, untilBound } from '../core/audit/dates';
import { AuditError } from '../core/audit/errors';
import type { TraceEvent } from '../core/trace/schema';
import { scanDirectory } from '../core/audit/files';
import { groupSessions, readTraceFile } from '../core/audit/readEvents';
import { buildReport, type Containment, type Counts, type GroupBy, type PeriodUnit, type Report } from '../core/audit/report';
import { verifyTraceSet } from '../core/audit/verifyTraces';
import { parse, UsageError, type Io } from './args';
import { resolveMergePoints } from './budget';
import { defaultTraceDir } from './paths';

export const REPORT_USAGE = `report [--trace-dir DIR] [--since DATE] [--until DATE] [--by mission|session|period] [--period month|day]
         [--repo DIR [--branch BRANCH]] [--json]`;

const BY: readonly GroupBy[] = ['mission', 'session', 'period'];
const PERIODS: readonly PeriodUnit[] = ['month', 'day'];

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    'trace-dir': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' },
    by: { type: 'string' }, period: { type: 'string' }, json: { type: 'boolean' },
    repo: { type: 'string' }, branch: { type: 'string' },
  });
  if (values.branch !== undefined && values.repo === undefined) throw new UsageError(`--branch needs --repo\nusage: agentlane ${REPORT_USAGE}`);
  const by = (values.by ?? 'mission') as GroupBy;
  if (!BY.includes(by)) throw new UsageError(`--by must be one of ${BY.join(', ')}\nusage: agentlane ${REPORT_USAGE}`);
  const period = (values.period ?? 'month') as PeriodUnit;
  if (!PERIODS.includes(period)) throw new UsageError(`--period must be one of ${PERIODS.join(', ')}\nusage: agentlane ${REPORT_USAGE}`);
  return auditCommand(io, async () => {
    const dir = path.resolve(io.cwd, values['trace-dir'] ?? defaultTraceDir());
    const since = values.since === undefined ? undefined : sinceBound(values.since);
    const until = values.until === undefined ? undefined : untilBound(values.until);
    const scan = await scanDirectory(dir);
    if (scan.traces.length === 0) throw new AuditError('no-traces', `no *.trace.jsonl under \`${dir}\``);
    const verdict = await verifyTraceSet(scan.traces, scan.checkpointLogs);
    const sessions = groupSessions((await Promise.all(scan.traces.map(readTraceFile))).map((r) => r.parsed));
    const mergePointOf = values.repo === undefined ? undefined : await mergePoints(io, values.repo, values.branch ?? 'main', sessions.map((s) => s.events));
    const report = buildReport(
      sessions.map((s) => ({ events: s.events, intact: verdict.sessionIntact.get(s.sessionId) === true })),
      { by, period, since, until, mergePointOf },
    );
    if (values.json) io.out(JSON.stringify(report));
    else printReport(io, report);
    return 0;
  });
}

/** `$ per PR` counts merges on the branch: ask git once for every commit any session recorded. */
async function mergePoints(io: Io, repoArg: string, branch: string, sessions: ReadonlyArray<readonly TraceEvent[]>): Promise<(sha: string) => string | undefined> {
  const repo = path.resolve(io.cwd, repoArg);
  const shas = [...new Set(sessions.flatMap((events) => events.flatMap((e) => (e.event === 'commit.recorded' ? [e.commit_sha] : []))))];
  const r = await resolveMergePoints(repo, branch, shas);
  if (!r.ok) throw new AuditError('unreadable', `cannot count merged PRs: ${r.reason}`);
  if (r.unknown.length > 0) io.err(`agentlane: warning: commits not in ${repo} (not counted as merged): ${r.unknown.join(', ')}`);
  return (sha) => r.points.get(sha);
}

const pct = (x: number | null): string => (x === null ? '-' : `${Math.round(x * 1000) / 10}%`);
const usd = (x: number | null): string => (x === null ? '-' : `$${x.toFixed(2)}`);
const list = (m: Record<string, number>): string => Object.entries(m).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(', ');

function row(key: string, c: Counts): string[] {
  return [
    key, String(c.sessions), String(c.tool_calls), String(c.allows), String(c.asks), String(c.denies), String(c.egress_blocks),
    String(c.freezes), `${c.completeness.commits_linked}/${c.commits}`, pct(c.completeness.intact_share), usd(c.cost_usd),
    ...(c.merged_prs === null ? [] : [String(c.merged_prs)]), usd(c.cost_per_pr.usd),
  ];
}

/** The box and the host side: printed only when there is something to say. */
function containmentNotes(b: Containment): string[] {
  return [
    b.sandbox_off ? `SANDBOX OFF in ${b.sandbox_off} session(s) (${list(b.sandbox_off_reasons)})` : '',
    b.sandbox_unrecorded ? `${b.sandbox_unrecorded} session(s) with no sandbox record` : '',
    b.sandbox_violations ? `sandbox violations: ${b.sandbox_violations} (${list(b.violations_by_kind)})` : '',
    b.hooks_refused ? `refused hook requests: ${b.hooks_refused}` : '',
    b.unacked_commits ? `UNACKNOWLEDGED commits (host-observed): ${b.unacked_commits}` : '',
    b.sessions_unended ? `sessions without session.end: ${b.sessions_unended}` : '',
  ];
}

function printReport(io: Io, r: Report): void {
  const range = [r.since && `since ${r.since}`, r.until && `until ${r.until}`].filter(Boolean).join(' ');
  io.out(`agent lane report by ${r.by}${r.period ? ` (${r.period})` : ''}${range ? `, ${range}` : ''}`);
  // Without a repository nobody knows what was merged: say so in the header, never imply PRs.
  const merged = r.total.merged_prs !== null;
  const head = ['', 'sessions', 'calls', 'allow', 'ask', 'deny', 'egress', 'freezes', 'linked/commits', 'intact', 'cost',
    ...(merged ? ['merged PRs', '$/merged PR'] : ['$/commit*'])];
  const rows = [head, ...r.groups.map((g) => row(g.key, g)), row('total', r.total)];
  const widths = head.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  for (const x of rows) io.out(x.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd());
  if (!merged) io.out('* $/commit: agent cost per commit the sessions recorded (no --repo, so merged PRs are not counted)');
  for (const g of r.groups) {
    const notes = [
      Object.keys(g.denies_by_rule).length ? `denies: ${list(g.denies_by_rule)}` : '',
      g.approvals.answered ? `approvals: ${g.approvals.allowed} allowed, ${g.approvals.denied} denied (by ${list(g.approvals.by)})` : '',
      ...containmentNotes(g.containment),
    ].filter(Boolean);
    if (notes.length) io.out(`${g.key}: ${notes.join('; ')}`);
  }
  // Grouped by session the table already is the per-session cost.
  if (r.by !== 'session' && r.sessions.length > 0) {
    io.out('cost by session:');
    for (const s of r.sessions) io.out(`  ${s.session_id}  ${s.mission_id ?? '(no mission)'}  ${s.start}  ${usd(s.cost_usd)}`);
  }
}
