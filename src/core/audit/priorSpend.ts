/**
 * What other sessions of this machine already spent, for the caps that span sessions
 * (`budget.usdPerDay`, `budget.usdPerMission`): read once from the local traces when a lane
 * opens. A session's spend is its largest cumulative `budget.usage` (the events are running
 * totals), booked to the UTC day it started in.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseTraceBuffer, groupSessions } from './readEvents';
import { sessionCost, sessionStart } from '../trace/sessionFacts';
import type { TraceEvent } from '../trace/schema';

export interface PriorSpend {
  todayUsd: number;
  missionUsd: number;
  /** Trace files that could not be read: their spend is missing, so the caller may warn. */
  unreadable: string[];
}

/** Pure: the spend of `sessions` that counts against today's and the mission's caps. */
export function priorSpendOf(sessions: ReadonlyArray<readonly TraceEvent[]>, opts: { now: Date; missionId?: string | null }): Omit<PriorSpend, 'unreadable'> {
  const today = opts.now.toISOString().slice(0, 10);
  let todayUsd = 0;
  let missionUsd = 0;
  for (const events of sessions) {
    const cost = sessionCost(events) ?? 0;
    if (cost === 0) continue;
    if (sessionStart(events)?.slice(0, 10) === today) todayUsd += cost;
    const mission = (events.find((e) => e.event === 'session.start') ?? events[0])?.mission_id ?? null;
    if (opts.missionId && mission === opts.missionId) missionUsd += cost;
  }
  return { todayUsd, missionUsd };
}

/** Reads every `*.trace.jsonl` in `traceDir` (a missing directory is no spend yet). */
export async function priorSpend(traceDir: string, opts: { now?: Date; missionId?: string | null } = {}): Promise<PriorSpend> {
  let names: string[];
  try {
    names = (await fsp.readdir(traceDir)).filter((n) => n.endsWith('.trace.jsonl'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { todayUsd: 0, missionUsd: 0, unreadable: [] };
    throw err;
  }
  const files = [];
  const unreadable: string[] = [];
  for (const name of names) {
    const file = path.join(traceDir, name);
    try {
      files.push(parseTraceBuffer(file, await fsp.readFile(file)));
    } catch {
      unreadable.push(file);
    }
  }
  const sessions = groupSessions(files).map((s) => s.events);
  return { ...priorSpendOf(sessions, { now: opts.now ?? new Date(), missionId: opts.missionId }), unreadable };
}
