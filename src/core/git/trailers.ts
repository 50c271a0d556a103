/**
 * The trailers that link a commit to its supervised session and trace:
 *
 *   Agent-Lane-Session: <session id>
 *   Agent-Lane-Mission: <mission id | none>
 *   Agent-Lane-Trace:   <checkpoint head hash>@<seq>
 *   Supervised-By:      Name <email>
 *   Agent-Lane-Ack:     <ack id>
 *
 * Parsing and writing both go through `git interpret-trailers`, so what we read is exactly
 * what git (and `git log --format=%(trailers)`) considers the trailer block.
 */
import { promises as fsp } from 'node:fs';
import type { Supervisor } from '../trace/schema';
import type { TraceCheckpoint } from '../trace/canonical';
import { runGitText } from './exec';

export const TRAILER = {
  session: 'Agent-Lane-Session',
  mission: 'Agent-Lane-Mission',
  trace: 'Agent-Lane-Trace',
  supervisedBy: 'Supervised-By',
  ack: 'Agent-Lane-Ack',
} as const;

/** Keys whose presence marks a commit as made in a supervised lane. */
export const LANE_TRAILER_KEYS: readonly string[] = [TRAILER.session, TRAILER.mission, TRAILER.trace, TRAILER.ack];

export type Trailer = [key: string, value: string];

export const NO_MISSION = 'none';

/** `Ada Lovelace <ada@example.com>` from the ack's `by`, completed from the supervisor when it only names them. */
export function supervisedByValue(ackBy: string, supervisor: Supervisor | null): string {
  if (/<[^>]*>\s*$/.test(ackBy)) return ackBy.trim();
  if (supervisor && supervisor.email && supervisor.name === ackBy) return `${supervisor.name} <${supervisor.email}>`;
  return ackBy.trim();
}

export function formatTraceTrailer(cp: Pick<TraceCheckpoint, 'head' | 'seq'>): string {
  return `${cp.head}@${cp.seq}`;
}

export function parseTraceTrailer(value: string): { head: string; seq: number } | undefined {
  const m = /^([0-9a-f]{64})@(\d{1,15})$/.exec(value.trim());
  return m ? { head: m[1]!, seq: Number(m[2]) } : undefined;
}

export interface LaneTrailerInput {
  sessionId: string;
  missionId: string | null;
  checkpoint: Pick<TraceCheckpoint, 'head' | 'seq'>;
  ack: { ackId: string; by: string } | null;
  supervisor: Supervisor | null;
}

export function laneTrailers(t: LaneTrailerInput): Trailer[] {
  const out: Trailer[] = [
    [TRAILER.session, t.sessionId],
    [TRAILER.mission, t.missionId ?? NO_MISSION],
    [TRAILER.trace, formatTraceTrailer(t.checkpoint)],
  ];
  if (t.ack) {
    out.push([TRAILER.supervisedBy, supervisedByValue(t.ack.by, t.supervisor)]);
    out.push([TRAILER.ack, t.ack.ackId]);
  }
  return out;
}

/** The trailer block of a message as git parses it, keys as written, values unfolded. */
export async function parseTrailers(cwd: string, message: string): Promise<Trailer[]> {
  const out = await runGitText(cwd, ['interpret-trailers', '--parse', '--no-divider'], { input: message });
  const trailers: Trailer[] = [];
  for (const line of out.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    trailers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return trailers;
}

/** Values of one key (keys compare case-insensitively, as git does). */
export function trailerValues(trailers: readonly Trailer[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter(([name]) => name.toLowerCase() === k).map(([, v]) => v);
}

/**
 * Writes the trailers into a message file in place. `--if-exists replace` makes a second run
 * (or an amend that starts from an older lane commit's message) leave one current copy of each.
 */
export async function writeTrailers(cwd: string, file: string, trailers: readonly Trailer[]): Promise<void> {
  // `git merge -m` leaves MERGE_MSG without a final newline; interpret-trailers would then glue
  // the trailers onto the subject line instead of starting a trailer block.
  const text = await fsp.readFile(file, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) await fsp.appendFile(file, '\n');
  const args = ['interpret-trailers', '--in-place', '--no-divider', '--if-exists', 'replace', '--if-missing', 'add', '--where', 'end'];
  for (const [k, v] of trailers) args.push('--trailer', `${k}: ${v}`);
  args.push(file);
  await runGitText(cwd, args);
}
