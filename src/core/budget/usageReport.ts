/**
 * `agentlane usage`: spend by day, session, mission or model, from the same meter the lane
 * enforces with. Transcripts give exact tokens per response (model, session, time), priced by
 * the same table; traces add what transcripts cannot say: which mission a session ran for, and
 * the spend of sessions whose transcript is not on this machine (booked as `(trace only)`).
 */
import type { TraceEvent } from '../trace/schema';
import { sessionCost, sessionStart } from '../trace/sessionFacts';
import { meterReading } from './meter';
import type { PriceTable } from './prices';
import type { UsageRecord } from './transcript';
import { addTokens, totalTokens, UsageAccumulator, zeroTokens, type TokenCounts } from './usage';

export type UsageGroupBy = 'day' | 'session' | 'mission' | 'model';

/**
 * One accumulator that also keeps a separate one per (session, UTC day) of each response's
 * first line, so one scan serves every grouping. Each response still counts once.
 */
export class SessionDayUsage extends UsageAccumulator {
  readonly groups = new Map<string, { sessionId: string; day: string; usage: UsageAccumulator }>();
  private readonly groupOfResponse = new Map<string, string>();

  override add(record: UsageRecord): boolean {
    let key = this.groupOfResponse.get(record.key);
    if (key === undefined) {
      key = `${record.sessionId ?? '(unknown session)'}\0${record.timestamp?.slice(0, 10) ?? '(unknown day)'}`;
      this.groupOfResponse.set(record.key, key);
    }
    let group = this.groups.get(key);
    if (!group) {
      const [sessionId, day] = key.split('\0') as [string, string];
      group = { sessionId, day, usage: new UsageAccumulator() };
      this.groups.set(key, group);
    }
    group.usage.add(record);
    return super.add(record);
  }
}

/** The finest grain: one session, one day, one model. */
export interface UsageCell {
  sessionId: string;
  day: string;
  mission: string;
  model: string;
  responses: number;
  tokens: TokenCounts;
  usd: number;
  /** Priced by an estimate (unknown model): an upper bound. */
  estimated: boolean;
}

export interface UsageRow {
  key: string;
  sessions: number;
  responses: number;
  tokens: TokenCounts & { total: number };
  usd: number;
  estimated: boolean;
}

export interface UsageReport {
  by: UsageGroupBy;
  rows: UsageRow[];
  total: UsageRow;
}

const NO_MISSION = '(no mission)';
const TRACE_ONLY = '(trace only)';

function missionOf(events: readonly TraceEvent[]): string | null {
  return (events.find((e) => e.event === 'session.start') ?? events[0])?.mission_id ?? null;
}

/** Cells from the transcript scan, plus trace-only sessions; filtered to days in [since, until]. */
export function usageCells(
  scan: SessionDayUsage, traces: ReadonlyArray<readonly TraceEvent[]>, prices: PriceTable,
  range: { since?: string; until?: string } = {},
): UsageCell[] {
  const missions = new Map<string, string>();
  for (const events of traces) {
    const id = events[0]?.session_id;
    if (id) missions.set(id, missionOf(events) ?? NO_MISSION);
  }
  const inRange = (day: string): boolean => (!range.since || day >= range.since) && (!range.until || day <= range.until);
  const cells: UsageCell[] = [];
  const seen = new Set<string>();
  for (const g of scan.groups.values()) {
    seen.add(g.sessionId);
    if (!inRange(g.day)) continue;
    const reading = meterReading({ usage: g.usage.totals(), prices });
    for (const m of reading.byModel) {
      cells.push({
        sessionId: g.sessionId, day: g.day, mission: missions.get(g.sessionId) ?? NO_MISSION, model: m.model,
        responses: m.responses, tokens: { ...m.tokens }, usd: m.usd, estimated: m.estimated,
      });
    }
  }
  for (const events of traces) {
    const id = events[0]?.session_id;
    const cost = sessionCost(events);
    const day = sessionStart(events)?.slice(0, 10);
    if (!id || seen.has(id) || cost === null || !day || !inRange(day)) continue;
    cells.push({ sessionId: id, day, mission: missions.get(id) ?? NO_MISSION, model: TRACE_ONLY, responses: 0, tokens: zeroTokens(), usd: cost, estimated: false });
  }
  return cells;
}

function emptyRow(key: string): UsageRow & { ids: Set<string> } {
  return { key, sessions: 0, responses: 0, tokens: { ...zeroTokens(), total: 0 }, usd: 0, estimated: false, ids: new Set() };
}

function addCell(row: UsageRow & { ids: Set<string> }, c: UsageCell): void {
  row.ids.add(c.sessionId);
  row.responses += c.responses;
  addTokens(row.tokens, c.tokens);
  row.tokens.total = totalTokens(row.tokens);
  row.usd += c.usd;
  row.estimated ||= c.estimated;
}

function finish(row: UsageRow & { ids: Set<string> }): UsageRow {
  const { ids, ...rest } = row;
  return { ...rest, sessions: ids.size };
}

const KEY: Record<UsageGroupBy, (c: UsageCell) => string> = {
  day: (c) => c.day,
  session: (c) => c.sessionId,
  mission: (c) => c.mission,
  model: (c) => c.model,
};

/** Rows in key order (days ascending; the rest by spend, largest first), and the total. */
export function groupUsage(cells: readonly UsageCell[], by: UsageGroupBy): UsageReport {
  const rows = new Map<string, UsageRow & { ids: Set<string> }>();
  const total = emptyRow('total');
  for (const c of cells) {
    const key = KEY[by](c);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyRow(key)));
    addCell(row, c);
    addCell(total, c);
  }
  const out = [...rows.values()].map(finish);
  if (by === 'day') out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  else out.sort((a, b) => b.usd - a.usd || (a.key < b.key ? -1 : 1));
  return { by, rows: out, total: finish(total) };
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
/** Cents hide a day of small sessions: below a dollar, four decimals. */
const money = (usd: number): string => (usd < 1 ? usd.toFixed(4) : usd.toFixed(2));

/** A plain-text table; `~` marks spend that includes an estimate for a model with no known price. */
export function formatUsageTable(report: UsageReport): string[] {
  const header = [report.by, 'sessions', 'responses', 'input', 'output', 'cache write', 'cache read', 'USD'];
  const line = (r: UsageRow): string[] => [
    r.key, String(r.sessions), int.format(r.responses), int.format(r.tokens.input), int.format(r.tokens.output),
    int.format(r.tokens.cacheWrite5m + r.tokens.cacheWrite1h), int.format(r.tokens.cacheRead), `${r.estimated ? '~' : ''}${money(r.usd)}`,
  ];
  const body = [header, ...report.rows.map(line), line(report.total)];
  const widths = header.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  const render = (r: string[]): string => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const lines = [render(header), rule, ...report.rows.map((r) => render(line(r))), rule, render(line(report.total))];
  if (report.total.estimated) lines.push('~ includes an estimate: a model with no known price, at the dearest rate of its family');
  return lines;
}
