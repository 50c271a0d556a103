/**
 * Facts read straight off one session's events. They sit in the trace layer so that both the
 * governance report (core/audit) and the FinOps export (core/budget, a lower layer) use them
 * without budget importing audit (docs/ARCHITECTURE.md, "Layers").
 */
import type { TraceEvent } from './schema';

/** Start of a session: its header's ts, else its first event's. */
export function sessionStart(events: readonly TraceEvent[]): string | undefined {
  return (events.find((e) => e.event === 'session.start') ?? events[0])?.ts;
}

/** Budget events carry the cumulative cost of the session: the latest is the total, never the sum. */
export function sessionCost(events: readonly TraceEvent[]): number | null {
  let cost: number | null = null;
  for (const e of events) if (e.event === 'budget.usage') cost = Math.max(cost ?? 0, e.cost_usd);
  return cost;
}
