/**
 * `agentlane budget export` as a pure function: one team's sessions of one period in, one
 * budget ledger row (docs/ARCHITECTURE.md "Budget ledger export (FinOps)") out. No I/O: the CLI reads the
 * traces and mission files and answers `mergePointOf` from git beforehand, so tests compare
 * whole results with deepStrictEqual.
 *
 * Rules (the CLI's help and the README repeat them):
 * - a session belongs to the period it STARTED in (periods are half-open, UTC), and to the
 *   team whose name its mission's `attribution.team` carries; a session without a mission, or
 *   whose mission file is missing, belongs to no team (and is named in a warning);
 * - spend is each session's largest cumulative `budget.usage.cost_usd`, summed over sessions
 *   (the events are running totals: summing them would count every turn again);
 * - hours are session.start → session.end wall clock; a session with no end (killed, still
 *   running) counts up to its last event;
 * - merged PRs are the distinct merge points (see `mergePointOf`) of the commits the sessions
 *   recorded;
 * - the USD cap defaults to the sum of `budget.usd` over the team's missions active in the
 *   period (those with at least one of the team's sessions in it); the hours cap only comes
 *   from the caller, since missions cap minutes per session, not per period.
 */
import type { TraceEvent } from '../trace/schema';
import { sessionCost, sessionStart } from '../trace/sessionFacts';
import { parseFinopsLedger, roundUsd, type FinopsLedger } from './finops';
import { periodContains, type Period } from './period';

/** The part of a mission the export needs (a full `Mission` fits). */
export interface FinopsMission {
  id: string;
  attribution: { team?: string; valueStream?: string; costCenter?: string };
  budget: { usd?: number };
}

export interface FinopsExportInput {
  team: string;
  period: Period;
  /** Each session's events (any order of sessions; events in seq order). */
  sessions: ReadonlyArray<readonly TraceEvent[]>;
  /** Missions by id. */
  missions: ReadonlyMap<string, FinopsMission>;
  /**
   * The first-parent commit on the target branch that brought `sha` in (the sha itself when it
   * is on the branch's first-parent chain); undefined when the commit is not on the branch.
   */
  mergePointOf: (sha: string) => string | undefined;
  /** Caps given by the caller; they win over the missions' caps. */
  caps?: { usd?: number; hours?: number };
}

export type FinopsExportErrorReason = 'no-attribution' | 'no-cap' | 'invalid-row';

export type FinopsExportResult =
  | { ok: true; row: FinopsLedger; warnings: string[] }
  | { ok: false; reason: FinopsExportErrorReason; message: string; warnings: string[] };

export interface TeamSelection {
  /** The team's sessions that started in the period, in start order. */
  sessions: Array<readonly TraceEvent[]>;
  /** Missions of those sessions, sorted by id. */
  missions: FinopsMission[];
  /** Mission ids of sessions in the period that name a mission we have no file for (sorted, distinct). */
  unknownMissions: string[];
}

const missionOf = (events: readonly TraceEvent[]): string | null => (events.find((e) => e.event === 'session.start') ?? events[0])?.mission_id ?? null;

/** The team's sessions in the period, and the missions they ran under. */
export function selectTeamSessions(
  team: string, period: Period, sessions: ReadonlyArray<readonly TraceEvent[]>, missions: ReadonlyMap<string, FinopsMission>,
): TeamSelection {
  const picked: Array<{ start: string; events: readonly TraceEvent[] }> = [];
  const active = new Map<string, FinopsMission>();
  const unknown = new Set<string>();
  for (const events of sessions) {
    const start = sessionStart(events);
    if (start === undefined || !periodContains(period, new Date(start))) continue;
    const id = missionOf(events);
    if (id === null) continue;
    const mission = missions.get(id);
    if (!mission) { unknown.add(id); continue; }
    if (mission.attribution.team !== team) continue;
    picked.push({ start, events });
    active.set(id, mission);
  }
  picked.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    sessions: picked.map((p) => p.events),
    missions: [...active.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    unknownMissions: [...unknown].sort(),
  };
}

/** Distinct commits the sessions recorded, in order of first appearance. */
export function linkedCommits(sessions: ReadonlyArray<readonly TraceEvent[]>): string[] {
  const shas = new Set<string>();
  for (const events of sessions) for (const e of events) if (e.event === 'commit.recorded') shas.add(e.commit_sha);
  return [...shas];
}

/** Distinct merge points of `shas` (commits not on the branch count for nothing). */
export function countMergedPrs(shas: Iterable<string>, mergePointOf: (sha: string) => string | undefined): number {
  const points = new Set<string>();
  for (const sha of shas) {
    const point = mergePointOf(sha);
    if (point !== undefined) points.add(point);
  }
  return points.size;
}

/** Wall-clock ms of a session: start → end, or → the last event when it never ended. */
export function sessionWallMs(events: readonly TraceEvent[]): { ms: number; ended: boolean } {
  const start = sessionStart(events);
  if (start === undefined) return { ms: 0, ended: false };
  const end = events.find((e) => e.event === 'session.end');
  const last = end ?? events[events.length - 1]!;
  return { ms: Math.max(0, Date.parse(last.ts) - Date.parse(start)), ended: end !== undefined };
}

const roundHours = (h: number): number => Math.round(h * 100) / 100;

type Pair = { valueStream: string; costCenter: string };

/**
 * The team's attribution: the (value stream, cost center) pair most of its missions carry,
 * one vote per mission; ties go to the pair that sorts first, so the export is deterministic.
 */
function voteAttribution(team: string, missions: readonly FinopsMission[], warnings: string[]): Pair | { error: string } {
  const votes = new Map<string, { pair: Pair; ids: string[] }>();
  const partial: string[] = [];
  for (const m of missions) {
    const { valueStream, costCenter } = m.attribution;
    if (valueStream === undefined || costCenter === undefined) {
      if (valueStream !== undefined || costCenter !== undefined) partial.push(m.id);
      continue;
    }
    const key = JSON.stringify([valueStream, costCenter]);
    const v = votes.get(key) ?? { pair: { valueStream, costCenter }, ids: [] };
    v.ids.push(m.id);
    votes.set(key, v);
  }
  if (partial.length > 0) {
    warnings.push(`missions ${partial.join(', ')} set only one of attribution.valueStream / attribution.costCenter: not used for attribution`);
  }
  const ranked = [...votes.entries()].sort(([ka, a], [kb, b]) => b.ids.length - a.ids.length || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const top = ranked[0];
  if (!top) {
    const ids = missions.map((m) => m.id).join(', ') || 'none';
    return { error: `none of team \`${team}\`'s missions (${ids}) sets both attribution.valueStream and attribution.costCenter: add them to the mission files` };
  }
  if (ranked.length > 1) {
    const all = ranked.map(([, v]) => `${v.pair.valueStream} / ${v.pair.costCenter} (${v.ids.join(', ')})`).join('; ');
    warnings.push(`team \`${team}\`'s missions disagree on attribution: ${all}; using the most frequent, ${top[1].pair.valueStream} / ${top[1].pair.costCenter}`);
  }
  return top[1].pair;
}

function defaultUsdCap(team: string, missions: readonly FinopsMission[], warnings: string[]): number | { error: string } {
  const capped = missions.filter((m) => m.budget.usd !== undefined);
  if (capped.length === 0) {
    return { error: `no USD cap: none of team \`${team}\`'s missions active in the period sets budget.usd; pass --cap-usd` };
  }
  const uncapped = missions.filter((m) => m.budget.usd === undefined).map((m) => m.id);
  if (uncapped.length > 0) warnings.push(`missions ${uncapped.join(', ')} set no budget.usd: the default cap (sum of the others) understates what the team may spend`);
  return capped.reduce((s, m) => s + (m.budget.usd ?? 0), 0);
}

/** Builds and validates the team's row; an invalid row is refused with the schema's reason. */
export function buildFinopsRow(input: FinopsExportInput): FinopsExportResult {
  const warnings: string[] = [];
  const fail = (reason: FinopsExportErrorReason, message: string): FinopsExportResult => ({ ok: false, reason, message, warnings });
  const sel = selectTeamSessions(input.team, input.period, input.sessions, input.missions);
  if (sel.unknownMissions.length > 0) {
    warnings.push(`sessions in ${input.period.text} ran under missions with no mission file (${sel.unknownMissions.join(', ')}): not attributed to any team`);
  }
  // Attribution comes from the missions that spent in the period; a team idle in the period
  // still gets a row, attributed by all of its missions.
  const teamMissions = sel.missions.length > 0
    ? sel.missions
    : [...input.missions.values()].filter((m) => m.attribution.team === input.team).sort((a, b) => (a.id < b.id ? -1 : 1));
  const attribution = voteAttribution(input.team, teamMissions, warnings);
  if ('error' in attribution) return fail('no-attribution', attribution.error);
  const usdCap = input.caps?.usd ?? defaultUsdCap(input.team, sel.missions, warnings);
  if (typeof usdCap !== 'number') return fail('no-cap', usdCap.error);

  let usd = 0;
  let ms = 0;
  const open: string[] = [];
  for (const events of sel.sessions) {
    usd += sessionCost(events) ?? 0;
    const wall = sessionWallMs(events);
    ms += wall.ms;
    if (!wall.ended) open.push(events[0]!.session_id);
  }
  if (open.length > 0) warnings.push(`sessions ${open.join(', ')} have no session.end: their hours count up to their last event`);

  const row = {
    team_id: input.team,
    period: input.period.text,
    caps: { agent_usd: roundUsd(usdCap), ...(input.caps?.hours !== undefined ? { agent_hours: input.caps.hours } : {}) },
    actuals: {
      agent_usd: roundUsd(usd),
      merged_prs: countMergedPrs(linkedCommits(sel.sessions), input.mergePointOf),
      agent_hours: roundHours(ms / 3_600_000),
      sessions: sel.sessions.length,
    },
    attribution: { value_stream: attribution.valueStream, cost_center: attribution.costCenter },
  };
  const parsed = parseFinopsLedger(row);
  if (!parsed.ok) return fail('invalid-row', `refusing to write ${parsed.reason}`);
  return { ok: true, row: parsed.value, warnings };
}
