/**
 * The OTLP log record of a trace event: STABLE attribute names a SIEM can alert on. Renaming
 * one breaks somebody's detection rule — add new names, never change these.
 *
 * | attribute              | type    | set on                                   | meaning |
 * | ---------------------- | ------- | ---------------------------------------- | ------- |
 * | agentlane.session_id   | string  | every event                              | session (ledger key, with seq) |
 * | agentlane.seq          | int     | every event                              | position in the session's chain |
 * | agentlane.event        | string  | every event                              | event kind, e.g. `tool.decision` |
 * | agentlane.hash         | string  | every event                              | SHA-256 of the event (chain head after it) |
 * | agentlane.prev         | string  | every event                              | hash of the previous event |
 * | agentlane.mission_id   | string  | events of a mission                      | mission id |
 * | agentlane.actor        | string  | every event                              | agent, supervisor, system or a subagent id |
 * | tool.name              | string  | tool.decision                            | tool the agent called (Bash, Edit, …) |
 * | tool.decision          | string  | tool.decision                            | allow, ask or deny |
 * | tool.rule              | string  | tool.decision with rules                 | id of the rule that decided |
 * | egress.blocked         | bool    | tool.decision that fetches from the net  | true when that decision is deny |
 * | egress.host            | string  | tool.decision that fetches from the net  | first host contacted |
 * | approval.requested     | bool    | approval.requested                       | always true: a human was asked |
 * | approval.answer        | string  | approval.answered                        | allow-once, allow-session or deny |
 * | agentlane.reported_by  | string  | events only the agent vouches for        | `agent`: a claim, not host evidence (trace/trust.ts) |
 * | sandbox.state          | string  | sandbox.status                           | on or off |
 * | sandbox.violation      | string  | sandbox.violation                        | network, file or process |
 * | sandbox.target         | string  | sandbox.violation                        | host, path or program refused |
 * | commit.sha             | string  | commit.observed                          | the commit the host saw |
 * | commit.acknowledged    | bool    | commit.observed                          | false: made without a person's acknowledgement |
 * | hook.refused           | string  | hook.refused                             | why the lane refused a hook request |
 *
 * Severity: WARN for a denied tool call, a denied approval, a freeze, the sandbox off, a sandbox
 * violation, a refused hook request and an unacknowledged commit; INFO otherwise.
 * Body: the raw trace line, so a SIEM can re-verify the hash chain from what it stored.
 * Duplicates are possible after a crash (at-least-once): de-duplicate on
 * (agentlane.session_id, agentlane.seq).
 */
import { assertNever } from '../common/errors';
import type { TraceEvent } from '../trace/schema';
import { vouchedBy } from '../trace/trust';

export const OTLP_ATTRIBUTES = {
  sessionId: 'agentlane.session_id',
  seq: 'agentlane.seq',
  event: 'agentlane.event',
  hash: 'agentlane.hash',
  prev: 'agentlane.prev',
  missionId: 'agentlane.mission_id',
  actor: 'agentlane.actor',
  toolName: 'tool.name',
  toolDecision: 'tool.decision',
  toolRule: 'tool.rule',
  egressBlocked: 'egress.blocked',
  egressHost: 'egress.host',
  approvalRequested: 'approval.requested',
  approvalAnswer: 'approval.answer',
  reportedBy: 'agentlane.reported_by',
  sandboxState: 'sandbox.state',
  sandboxViolation: 'sandbox.violation',
  sandboxTarget: 'sandbox.target',
  commitSha: 'commit.sha',
  commitAcknowledged: 'commit.acknowledged',
  hookRefused: 'hook.refused',
} as const;

export type OtlpAttributeName = (typeof OTLP_ATTRIBUTES)[keyof typeof OTLP_ATTRIBUTES];
export type OtlpAttributeValue = string | number | boolean;
export type OtlpSeverity = 'INFO' | 'WARN';

/** OpenTelemetry SeverityNumber values for the two severities we use. */
export const SEVERITY_NUMBER: Readonly<Record<OtlpSeverity, number>> = { INFO: 9, WARN: 13 };

/** Whether a tool decision reaches the network (the egress attributes apply). */
function fetchesFromNet(ev: Extract<TraceEvent, { event: 'tool.decision' }>): boolean {
  return ev.action === 'net.fetch' || ev.actions.some((a) => a.kind === 'net.fetch') || ev.hosts.length > 0;
}

export function otlpAttributesOf(ev: TraceEvent): Partial<Record<OtlpAttributeName, OtlpAttributeValue>> {
  const a: Partial<Record<OtlpAttributeName, OtlpAttributeValue>> = {
    [OTLP_ATTRIBUTES.sessionId]: ev.session_id,
    [OTLP_ATTRIBUTES.seq]: ev.seq,
    [OTLP_ATTRIBUTES.event]: ev.event,
    [OTLP_ATTRIBUTES.hash]: ev.hash,
    [OTLP_ATTRIBUTES.prev]: ev.prev,
    [OTLP_ATTRIBUTES.actor]: ev.actor,
  };
  if (ev.mission_id !== null) a[OTLP_ATTRIBUTES.missionId] = ev.mission_id;
  // Derived from the kind, not read from the line: a /1 trace carries no labels but the same claims.
  if (vouchedBy(ev) === 'agent') a[OTLP_ATTRIBUTES.reportedBy] = 'agent';
  switch (ev.event) {
    case 'sandbox.status':
      a[OTLP_ATTRIBUTES.sandboxState] = ev.state;
      break;
    case 'sandbox.violation':
      a[OTLP_ATTRIBUTES.sandboxViolation] = ev.kind;
      a[OTLP_ATTRIBUTES.sandboxTarget] = ev.target;
      break;
    case 'commit.observed':
      a[OTLP_ATTRIBUTES.commitSha] = ev.commit_sha;
      a[OTLP_ATTRIBUTES.commitAcknowledged] = ev.acknowledged;
      break;
    case 'hook.refused':
      a[OTLP_ATTRIBUTES.hookRefused] = ev.reason;
      break;
    case 'tool.decision': {
      a[OTLP_ATTRIBUTES.toolName] = ev.tool;
      a[OTLP_ATTRIBUTES.toolDecision] = ev.decision;
      // The rule that produced the decision; the others only concurred or were outranked.
      const rule = ev.rules.find((r) => r.decision === ev.decision) ?? ev.rules[0];
      if (rule) a[OTLP_ATTRIBUTES.toolRule] = rule.rule;
      if (fetchesFromNet(ev)) {
        a[OTLP_ATTRIBUTES.egressBlocked] = ev.decision === 'deny';
        if (ev.hosts[0] !== undefined) a[OTLP_ATTRIBUTES.egressHost] = ev.hosts[0];
      }
      break;
    }
    case 'approval.requested':
      a[OTLP_ATTRIBUTES.approvalRequested] = true;
      break;
    case 'approval.answered':
      a[OTLP_ATTRIBUTES.approvalAnswer] = ev.answer;
      break;
    // Kinds with no attributes of their own beyond the envelope (listed, so a new kind is a
    // type error here rather than silently missing from the SIEM).
    case 'session.start':
    case 'tool.result':
    case 'session.freeze':
    case 'session.unfreeze':
    case 'budget.usage':
    case 'budget.raise':
    case 'prompt.submitted':
    case 'checkpoint':
    case 'trace.torn':
    case 'commit.ack':
    case 'commit.recorded':
    case 'session.end':
      break;
    default:
      return assertNever(ev, 'trace event kind');
  }
  return a;
}

export function otlpSeverityOf(ev: TraceEvent): OtlpSeverity {
  if (ev.event === 'tool.decision' && ev.decision === 'deny') return 'WARN';
  if (ev.event === 'approval.answered' && ev.answer === 'deny') return 'WARN';
  if (ev.event === 'session.freeze') return 'WARN';
  if (ev.event === 'sandbox.violation' || ev.event === 'hook.refused') return 'WARN';
  if (ev.event === 'sandbox.status' && ev.state === 'off') return 'WARN';
  if (ev.event === 'commit.observed' && !ev.acknowledged) return 'WARN';
  return 'INFO';
}
