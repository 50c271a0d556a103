/**
 * Plain data for the sidebar and the status bar, built from the live lane. Pure (no `vscode`):
 * both surfaces draw from the same views, and tests build them from fixtures.
 */
import type { Lane } from '../../core/session/lane';
import type { PolicyStack } from '../../core/policy/loadFiles';
import type { BudgetSnapshot } from '../../core/budget/sessionMeter';
import type { DecisionRecord, PendingApproval } from '../../core/session/types';
import type { Reason } from '../../core/policy/types';
import type { Supervisor } from '../../core/trace/schema';
import type { SandboxProfile } from '../../core/sandbox/types';
import { explainSandbox } from '../../core/sandbox/explain';
import type {
  SandboxView,
  ApprovalView, BudgetView, DecisionView, PolicyView, RuleView, SessionView, StateView,
} from '../webview/protocol/sidebar';

/** The parts of a lane the views read (a structural subset, so tests can fake it). */
export type LaneLike = Pick<Lane, 'sessionId' | 'mission' | 'sandbox'> & {
  box?: { profile: SandboxProfile } | undefined;
  meter: Pick<Lane['meter'], 'snapshot'>;
  broker: Pick<Lane['broker'], 'state' | 'frozenBecause' | 'pendingApprovals' | 'limits' | 'supervisor'> & {
    policy: { mode: { value: SessionView['mode'] } };
  };
};

const MAX_SUMMARY_CHARS = 400;
const MAX_MESSAGE_CHARS = 300;

export function ruleView(r: Reason | undefined): RuleView | undefined {
  if (!r) return undefined;
  const v: RuleView = { rule: r.rule, layer: r.layer, message: clip(r.message, MAX_MESSAGE_CHARS) };
  if (r.file) v.file = r.file;
  if (r.line) v.line = r.line;
  return v;
}

export function decisionView(d: DecisionRecord): DecisionView {
  const v: DecisionView = { seq: d.seq, ts: d.ts, tool: d.tool, summary: clip(d.summary, MAX_SUMMARY_CHARS), decision: d.decision };
  // The reason that decided: approval outcomes lead with the session reason, then the asking rule.
  const rule = ruleView(d.reasons[0]);
  if (rule) v.rule = rule;
  if (d.agentId) v.agentId = d.agentId;
  return v;
}

export function approvalView(a: PendingApproval): ApprovalView {
  const v: ApprovalView = {
    id: a.id, kind: a.kind, tool: a.tool, summary: a.summary, requestedAt: a.requestedAt,
    rules: a.reasons.map(ruleView).filter((r): r is RuleView => r !== undefined),
  };
  if (a.commit) {
    v.files = a.commit.files.map((f) => ({ path: f.path, status: f.status }));
    v.commitMessage = a.commit.message;
  }
  if (a.agentId) v.agentId = a.agentId;
  return v;
}

export function budgetView(s: BudgetSnapshot | undefined): BudgetView | undefined {
  if (!s) return undefined;
  const ratios = s.caps.statuses.filter((c) => c.kind === 'usd' || c.kind === 'tokens').map((c) => c.ratio);
  const level: BudgetView['level'] = s.caps.level === 'exceeded' ? 'exceeded' : s.unknown ? 'unknown' : s.caps.level;
  const v: BudgetView = { usd: s.reading.usd, tokens: s.reading.tokens.total, level, source: s.reading.source };
  if (s.usdCap !== undefined) v.usdCap = s.usdCap;
  if (s.tokenCap !== undefined) v.tokenCap = s.tokenCap;
  if (ratios.length) v.ratio = Math.max(...ratios);
  if (s.unknown) v.unknown = s.unknown;
  if (s.reading.crossCheck) v.crossCheck = { agree: s.reading.crossCheck.agree, deltaPct: s.reading.crossCheck.deltaPct };
  if (s.raisedBy) v.raisedBy = s.raisedBy;
  return v;
}

export function sessionView(lane: LaneLike, title: string, endedBecause?: string): SessionView {
  const b = lane.broker;
  const limits = b.limits();
  const v: SessionView = {
    sessionId: lane.sessionId,
    title,
    mode: b.policy.mode.value,
    supervisor: person(b.supervisor),
    state: b.state,
    elapsedMinutes: limits.elapsedMinutes,
    toolCalls: limits.toolCalls,
    sandbox: sandboxView(lane),
  };
  if (lane.mission) v.mission = { id: lane.mission.id, title: lane.mission.title };
  if (b.state === 'frozen' && b.frozenBecause) v.frozenBecause = b.frozenBecause;
  if (b.state === 'ended' && endedBecause) v.endedBecause = endedBecause;
  if (limits.minuteLimit !== undefined) v.minuteLimit = limits.minuteLimit;
  if (limits.toolCallLimit !== undefined) v.toolCallLimit = limits.toolCallLimit;
  const budget = budgetView(lane.meter.snapshot);
  if (budget) v.budget = budget;
  return v;
}

export function sandboxView(lane: Pick<LaneLike, 'sandbox' | 'box'>): SandboxView {
  const s = lane.sandbox;
  if (s.state === 'off') {
    return { state: 'off', headline: `NOT sandboxed: ${clip(s.reason, MAX_MESSAGE_CHARS)}`, sections: [] };
  }
  const e = explainSandbox({ mode: 'on' }, { ok: true, backend: 'bubblewrap', bwrap: '', socat: '' }, lane.box?.profile);
  const clipAll = (lines: string[]): string[] => lines.slice(0, 50).map((l) => clip(l, MAX_MESSAGE_CHARS));
  const sections = [
    { title: 'Writable', lines: clipAll(e.writable) },
    { title: 'Masked (denied)', lines: clipAll(e.masked) },
    { title: 'Read-only (self-protection)', lines: clipAll(e.readOnly) },
    { title: 'Reachable', lines: clipAll(e.reachable) },
    { title: 'Limits', lines: clipAll(s.limits.length ? [...s.limits, ...e.limits.slice(2)] : e.limits) },
    { title: 'Notes', lines: clipAll(e.notes) },
  ].filter((x) => x.lines.length > 0);
  return { state: 'on', headline: `sandboxed (${s.backend})`, sections };
}

export function policyView(stack: Pick<PolicyStack, 'problems' | 'workspaceMissing' | 'policy'> | undefined): PolicyView {
  if (!stack) return { present: false, problems: 0 };
  const v: PolicyView = { present: !stack.workspaceMissing, problems: stack.problems.length };
  if (stack.problems.length === 0 && !stack.workspaceMissing) v.mode = stack.policy.mode.value;
  const p = stack.problems[0];
  if (p) v.firstProblem = clip(`${p.message}${p.path ? ` (at ${p.path})` : ''}`, MAX_MESSAGE_CHARS);
  return v;
}

export interface StateInput {
  hasWorkspace: boolean;
  stack: Parameters<typeof policyView>[0];
  /** The active lane, or the one that just ended (kept so the feed and reason stay visible). */
  lane?: LaneLike;
  title?: string;
  endedBecause?: string;
}

export function stateView(i: StateInput): StateView {
  const lane = i.lane;
  return {
    hasWorkspace: i.hasWorkspace,
    policy: policyView(i.stack),
    session: lane ? sessionView(lane, i.title ?? lane.sessionId, i.endedBecause) : null,
    approvals: lane && lane.broker.state !== 'ended' ? lane.broker.pendingApprovals.map(approvalView) : [],
  };
}

function person(p: Supervisor | null): string {
  if (!p) return 'unknown supervisor';
  return p.email ? `${p.name} <${p.email}>` : p.name;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
