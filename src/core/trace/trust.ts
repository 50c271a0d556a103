/**
 * Who vouches for a trace event (invariant 10). The lane records everything, but some events
 * only repeat what the agent's own processes said — a PostToolUse result, a prompt, the git
 * post-commit hook, a cost figure read from the agent's transcript or statusLine. Anything the
 * agent can reach it can forge, so those events are claims: from `agentlane.trace/2` on they
 * carry `reported_by: "agent"`. Host-observed events (decisions, approvals, acks, the ref
 * watcher's commit.observed, sandbox reports, refused hook requests) carry no label.
 *
 * Readers never trust the label alone: `vouchedBy` derives the answer from the kind (and the
 * budget source), so a /1 trace, which has no labels, is read the same way.
 */

export type Voucher = 'agent' | 'host';

/** Kinds whose every event is the agent's word. */
export const AGENT_REPORTED_KINDS: ReadonlySet<string> = new Set(['tool.result', 'prompt.submitted', 'commit.recorded']);

/**
 * Budget sources measured outside the box (the lane's model gateway meters each response).
 * Every other source (`transcript`, `statusline`, `result`, anything unknown) is read from what
 * the agent's process wrote, so it is a claim: an unknown source fails closed to "agent".
 */
export const HOST_BUDGET_SOURCES: ReadonlySet<string> = new Set(['gateway']);

/** Who vouches for an event of `kind` (with `source` for budget.usage). */
export function vouchedBy(e: { event: string; source?: unknown }): Voucher {
  if (AGENT_REPORTED_KINDS.has(e.event)) return 'agent';
  if (e.event === 'budget.usage') return typeof e.source === 'string' && HOST_BUDGET_SOURCES.has(e.source) ? 'host' : 'agent';
  return 'host';
}

/** The `reported_by` value a /2 event must carry: "agent" for claims, nothing for host evidence. */
export function trustLabel(e: { event: string; source?: unknown }): 'agent' | undefined {
  return vouchedBy(e) === 'agent' ? 'agent' : undefined;
}

/** `e` with the /2 label it must carry (for encoders that build lines without the writer). */
export function withTrustLabel<T extends { event: string; source?: unknown }>(e: T): T & { reported_by?: 'agent' } {
  const label = trustLabel(e);
  return label ? { ...e, reported_by: label } : e;
}
