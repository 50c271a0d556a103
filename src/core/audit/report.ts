/**
 * The governance report as a pure function: sessions' events in, plain numbers out. No I/O, so
 * the CLI, the extension and the FinOps export (core/budget/finopsExport.ts) share it and tests
 * compare whole results with deepStrictEqual. Git questions (where was a commit merged?) are
 * answered by the caller through `mergePointOf`.
 */
import type { TraceEvent, TraceEventOf } from '../trace/schema';
import { sessionCost, sessionStart } from '../trace/sessionFacts';
import { assertNever } from '../common/errors';

// Re-exported: callers read them as part of the report's vocabulary.
export { sessionCost, sessionStart };

export type GroupBy = 'mission' | 'session' | 'period';
export type PeriodUnit = 'day' | 'month';

export interface ReportSessionInput {
  events: readonly TraceEvent[];
  /** The session's chain verified intact (hashes, links, checkpoints). */
  intact: boolean;
}

export interface ReportOptions {
  by: GroupBy;
  period?: PeriodUnit;
  /** Inclusive / exclusive bounds (ms) on the session's start. */
  since?: number;
  until?: number;
  /**
   * Where a linked commit was merged into the target branch (core/budget/finopsExport.ts has
   * the rule); undefined when it was not. Without it there is no repository to ask, and
   * `$ per PR` falls back to linked commits as the denominator.
   */
  mergePointOf?: (sha: string) => string | undefined;
}

/** Agent spend divided by what it produced; `per` names the denominator, so a reader is never misled. */
export interface CostPerPr {
  usd: number | null;
  per: 'merged_pr' | 'linked_commit';
}

export interface SessionCost {
  session_id: string;
  mission_id: string | null;
  start: string;
  cost_usd: number | null;
}

export interface Counts {
  sessions: number;
  tool_calls: number;
  allows: number;
  /** Calls that waited for a human; their outcome is also counted in allows or denies. */
  asks: number;
  denies: number;
  denies_by_rule: Record<string, number>;
  approvals: { answered: number; allowed: number; denied: number; by: Record<string, number> };
  /** Denied calls whose analysis found a network fetch. */
  egress_blocks: number;
  freezes: number;
  commits: number;
  /** Sum over sessions of each session's last (cumulative) cost; null when no session reported one. */
  cost_usd: number | null;
  /** Distinct commits the sessions recorded (`commit.recorded`). */
  linked_commits: number;
  /** Distinct merge points of the linked commits on the target branch; null without a repository. */
  merged_prs: number | null;
  /** cost_usd / merged_prs (with a repository) or / linked_commits (without); null when either is 0 or unknown. */
  cost_per_pr: CostPerPr;
  /** What the box and the host side saw (trace /2 kinds; sessions recorded before them count as unrecorded). */
  containment: Containment;
  completeness: {
    sessions_intact: number;
    /** Share of sessions whose chain is intact; null with no sessions. */
    intact_share: number | null;
    /** Agent commits preceded by an acknowledgement of the same tree, in an intact trace. */
    commits_linked: number;
    linked_share: number | null;
  };
}

export interface Containment {
  /** Sessions that ran with the sandbox off (a policy layer said `sandbox: off`). */
  sandbox_off: number;
  /** Why, as recorded in sandbox.status: reason → sessions. */
  sandbox_off_reasons: Record<string, number>;
  /** Sessions with no sandbox.status at all: recorded before the sandbox existed, or by a lane that did not say. */
  sandbox_unrecorded: number;
  /** Things the sandbox stopped (sandbox.violation), by kind. */
  sandbox_violations: number;
  violations_by_kind: Record<string, number>;
  /** Hook requests the lane refused (wrong token, oversized, malformed): someone tried the hook channel. */
  hooks_refused: number;
  /** Distinct commits the host observed without an acknowledgement (check-commits fails them). */
  unacked_commits: number;
  /** Sessions without session.end: still running, killed, or cut short. */
  sessions_unended: number;
}

export interface ReportGroup extends Counts {
  key: string;
}

export interface Report {
  by: GroupBy;
  period: PeriodUnit | null;
  since: string | null;
  until: string | null;
  groups: ReportGroup[];
  total: Counts;
  /** Every reported session's cost, in start order (whatever the grouping). */
  sessions: SessionCost[];
}

const NO_MISSION = '(no mission)';


/** The rule a deny is charged to: the first deny reason, else the first reason. */
export function denyRule(ev: TraceEventOf<'tool.decision'>): string {
  return (ev.rules.find((r) => r.decision === 'deny') ?? ev.rules[0])?.rule ?? '(no rule)';
}

/** Commit ↔ ack link: an ack of the same tree (and ack id, when the commit names one) before it. */
export function isAcked(commit: TraceEventOf<'commit.recorded'>, events: readonly TraceEvent[]): boolean {
  return events.some((e) => e.event === 'commit.ack' && e.seq < commit.seq && e.tree === commit.tree
    && (commit.ack_id === null || e.ack_id === commit.ack_id));
}


/** Counts plus the commit sets behind `linked_commits` / `merged_prs` (distinct across sessions). */
interface Acc {
  c: Counts;
  shas: Set<string>;
  unacked: Set<string>;
}

function empty(): Acc {
  return {
    c: {
      sessions: 0, tool_calls: 0, allows: 0, asks: 0, denies: 0, denies_by_rule: {},
      approvals: { answered: 0, allowed: 0, denied: 0, by: {} },
      egress_blocks: 0, freezes: 0, commits: 0, cost_usd: null,
      linked_commits: 0, merged_prs: null, cost_per_pr: { usd: null, per: 'linked_commit' },
      containment: {
        sandbox_off: 0, sandbox_off_reasons: {}, sandbox_unrecorded: 0, sandbox_violations: 0, violations_by_kind: {},
        hooks_refused: 0, unacked_commits: 0, sessions_unended: 0,
      },
      completeness: { sessions_intact: 0, intact_share: null, commits_linked: 0, linked_share: null },
    },
    shas: new Set(),
    unacked: new Set(),
  };
}

const bump = (m: Record<string, number>, k: string, n = 1): void => { m[k] = (m[k] ?? 0) + n; };
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function addSession(acc: Acc, s: ReportSessionInput): void {
  const { c } = acc;
  const { events } = s;
  c.sessions++;
  if (s.intact) c.completeness.sessions_intact++;
  const asked = new Set(events.flatMap((e) => (e.event === 'approval.requested' && e.tool_use_id ? [e.tool_use_id] : [])));
  const box = c.containment;
  if (!events.some((e) => e.event === 'sandbox.status')) box.sandbox_unrecorded++;
  if (!events.some((e) => e.event === 'session.end')) box.sessions_unended++;
  for (const e of events) {
    switch (e.event) {
      case 'sandbox.status':
        if (e.state === 'off') {
          box.sandbox_off++;
          bump(box.sandbox_off_reasons, e.reason || '(no reason given)');
        }
        break;
      case 'sandbox.violation':
        box.sandbox_violations++;
        bump(box.violations_by_kind, e.kind);
        break;
      case 'hook.refused':
        box.hooks_refused++;
        break;
      case 'commit.observed':
        if (!e.acknowledged) acc.unacked.add(e.commit_sha);
        break;
      case 'tool.decision':
        c.tool_calls++;
        if (e.decision === 'ask' || asked.has(e.tool_use_id)) c.asks++;
        if (e.decision === 'allow') c.allows++;
        if (e.decision === 'deny') {
          c.denies++;
          bump(c.denies_by_rule, denyRule(e));
          if (e.action === 'net.fetch' || e.actions.some((a) => a.kind === 'net.fetch')) c.egress_blocks++;
        }
        break;
      case 'approval.answered':
        c.approvals.answered++;
        if (e.answer === 'deny') c.approvals.denied++;
        else c.approvals.allowed++;
        bump(c.approvals.by, e.by);
        break;
      case 'session.freeze':
        c.freezes++;
        break;
      case 'commit.recorded':
        c.commits++;
        acc.shas.add(e.commit_sha);
        if (s.intact && isAcked(e, events)) c.completeness.commits_linked++;
        break;
      // Counted elsewhere (cost: sessionCost) or not part of the report's counts.
      case 'session.start':
      case 'tool.result':
      case 'approval.requested':
      case 'session.unfreeze':
      case 'budget.usage':
      case 'budget.raise':
      case 'prompt.submitted':
      case 'checkpoint':
      case 'trace.torn':
      case 'commit.ack':
      case 'session.end':
        break;
      default:
        assertNever(e, 'trace event kind');
    }
  }
  const cost = sessionCost(events);
  if (cost !== null) c.cost_usd = round6((c.cost_usd ?? 0) + cost);
}

function finish({ c, shas, unacked }: Acc, mergePointOf: ReportOptions['mergePointOf']): Counts {
  c.containment.unacked_commits = unacked.size;
  const share = (n: number, d: number): number | null => (d === 0 ? null : n / d);
  c.completeness.intact_share = share(c.completeness.sessions_intact, c.sessions);
  c.completeness.linked_share = share(c.completeness.commits_linked, c.commits);
  c.linked_commits = shas.size;
  if (mergePointOf) {
    // Distinct merge points, so two commits of one PR (or of two sessions) count once.
    const points = new Set<string>();
    for (const sha of shas) {
      const p = mergePointOf(sha);
      if (p !== undefined) points.add(p);
    }
    c.merged_prs = points.size;
  }
  const per = c.merged_prs === null ? 'linked_commit' : 'merged_pr';
  const denominator = c.merged_prs ?? c.linked_commits;
  c.cost_per_pr = { usd: c.cost_usd === null || denominator === 0 ? null : round6(c.cost_usd / denominator), per };
  return c;
}

function groupKey(s: ReportSessionInput, opts: ReportOptions): string {
  const first = s.events.find((e) => e.event === 'session.start') ?? s.events[0]!;
  switch (opts.by) {
    case 'mission': return first.mission_id ?? NO_MISSION;
    case 'session': return first.session_id;
    case 'period': return (sessionStart(s.events) ?? '').slice(0, (opts.period ?? 'month') === 'day' ? 10 : 7);
  }
}

export function buildReport(sessions: readonly ReportSessionInput[], opts: ReportOptions): Report {
  const inRange = sessions.filter((s) => {
    const start = sessionStart(s.events);
    if (start === undefined) return false;
    const t = Date.parse(start);
    return (opts.since === undefined || t >= opts.since) && (opts.until === undefined || t < opts.until);
  });
  // Sessions in start order, so `--by session` reads as a timeline.
  inRange.sort((a, b) => (sessionStart(a.events)! < sessionStart(b.events)! ? -1 : sessionStart(a.events)! > sessionStart(b.events)! ? 1 : 0));
  const groups = new Map<string, Acc>();
  const total = empty();
  for (const s of inRange) {
    const key = groupKey(s, opts);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = empty()));
    addSession(g, s);
    addSession(total, s);
  }
  const keys = [...groups.keys()];
  if (opts.by !== 'session') keys.sort();
  return {
    by: opts.by,
    period: opts.by === 'period' ? opts.period ?? 'month' : null,
    since: opts.since === undefined ? null : new Date(opts.since).toISOString(),
    until: opts.until === undefined ? null : new Date(opts.until).toISOString(),
    groups: keys.map((key) => ({ key, ...finish(groups.get(key)!, opts.mergePointOf) })),
    total: finish(total, opts.mergePointOf),
    sessions: inRange.map((s) => {
      const first = s.events.find((e) => e.event === 'session.start') ?? s.events[0]!;
      return { session_id: first.session_id, mission_id: first.mission_id, start: sessionStart(s.events)!, cost_usd: sessionCost(s.events) };
    }),
  };
}
