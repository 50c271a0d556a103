/**
 * The budget ledger export (docs/ARCHITECTURE.md "Budget ledger export (FinOps)"): one row per team and
 * period, caps next to actuals, attributed to a value stream and a cost center.
 * `finopsLedgerSchema` is the single source for the generated JSON Schema (z.toJSONSchema),
 * so constraints live in the schema (patterns, minimums), not in refinements it cannot see.
 */
import { z } from 'zod';
import { PERIOD_PATTERN } from './period';

const usd = z.number().finite().nonnegative();
const hours = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();
const name = z.string().trim().min(1).max(200);

export const finopsLedgerSchema = z
  .strictObject({
    team_id: name.describe('team the agent spend is attributed to, e.g. `payments-art-2`'),
    period: z
      .string()
      .regex(PERIOD_PATTERN, 'period must be `YYYY`, `YYYY-H1`, `YYYY-Q2` or `YYYY-MM`')
      .describe('reporting period, UTC: year `2026`, half `2026-H1`, quarter `2026-Q2` or month `2026-05`'),
    caps: z
      .strictObject({
        agent_usd: usd.describe('spend cap for the period, USD'),
        agent_hours: hours.optional().describe('cap on supervised agent session hours'),
      })
      .describe('what the team may spend in the period'),
    actuals: z
      .strictObject({
        agent_usd: usd.describe('metered agent spend, USD (max of transcript and CLI figures per session)'),
        merged_prs: count.describe('pull requests merged that carry an Agent Lane session trailer'),
        agent_hours: hours.optional().describe('wall-clock hours of agent sessions'),
        sessions: count.optional().describe('number of agent sessions'),
      })
      .describe('what the team spent in the period'),
    attribution: z
      .strictObject({
        value_stream: name.describe('value stream the work belongs to'),
        cost_center: name.describe('cost center that pays, e.g. `CC-4410`'),
      })
      .describe('where the spend is booked'),
  })
  .describe('Agent Lane budget ledger export: one team, one period');

export type FinopsLedger = z.infer<typeof finopsLedgerSchema>;

export type FinopsParse = { ok: true; value: FinopsLedger } | { ok: false; reason: string };

/** Validate a ledger row read from disk or built for export; the reason names the field. */
export function parseFinopsLedger(value: unknown): FinopsParse {
  const parsed = finopsLedgerSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `\`${issue.path.join('.')}\`: ` : '';
  return { ok: false, reason: `invalid budget ledger row: ${where}${issue.message.toLowerCase()}` };
}

/** Money in the export is whole cents, so sums in a spreadsheet match the row. */
export function roundUsd(value: number): number {
  return Math.round(value * 100) / 100;
}
