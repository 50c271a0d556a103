/**
 * Reading trace events back for reporting and export. Tolerant by design: a damaged line is
 * skipped and counted (the verifier, not this reader, is the judge of integrity), so one bad
 * line does not hide the rest of a session from the auditor. Every kept line passed zod.
 */
import { promises as fsp } from 'node:fs';
import { TraceEventSchema, type TraceEvent } from '../trace/schema';
import { AuditError } from './errors';
import { describeError } from '../common/errors';

export interface SessionEvents {
  sessionId: string;
  /** Files the session's events came from (normally one). */
  files: string[];
  /** Ordered by seq; a repeated seq keeps its first occurrence. */
  events: TraceEvent[];
  /** Lines of this file that could not be read as events (JSON or schema errors). */
  unreadableLines: number;
}

export interface ParsedFile {
  file: string;
  events: TraceEvent[];
  unreadable: Array<{ line: number; message: string }>;
}

export function parseTraceBuffer(file: string, buf: Buffer): ParsedFile {
  const events: TraceEvent[] = [];
  const unreadable: ParsedFile['unreadable'] = [];
  const lines = buf.toString('utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      unreadable.push({ line: i + 1, message: 'not JSON' });
      return;
    }
    const parsed = TraceEventSchema.safeParse(value);
    if (parsed.success) events.push(parsed.data);
    else unreadable.push({ line: i + 1, message: parsed.error.issues[0]?.message ?? 'not a trace event' });
  });
  return { file, events, unreadable };
}

export async function readTraceFile(file: string): Promise<{ buf: Buffer; parsed: ParsedFile }> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (err) {
    throw new AuditError('unreadable', `cannot read \`${file}\` (${(err as NodeJS.ErrnoException).code ?? describeError(err)})`);
  }
  return { buf, parsed: parseTraceBuffer(file, buf) };
}

/** Groups events of several files by session, in order of first appearance. */
export function groupSessions(files: readonly ParsedFile[]): SessionEvents[] {
  const byId = new Map<string, SessionEvents & { seqs: Set<number> }>();
  for (const f of files) {
    const touched = new Set<string>();
    for (const ev of f.events) {
      let s = byId.get(ev.session_id);
      if (!s) byId.set(ev.session_id, (s = { sessionId: ev.session_id, files: [], events: [], unreadableLines: 0, seqs: new Set() }));
      if (!s.files.includes(f.file)) s.files.push(f.file);
      touched.add(ev.session_id);
      if (s.seqs.has(ev.seq)) continue;
      s.seqs.add(ev.seq);
      s.events.push(ev);
    }
    // Unreadable lines cannot name their session; charge them to every session of the file.
    for (const id of touched) byId.get(id)!.unreadableLines += f.unreadable.length;
  }
  return [...byId.values()].map(({ seqs: _seqs, ...s }) => ({ ...s, events: s.events.sort((a, b) => a.seq - b.seq) }));
}
