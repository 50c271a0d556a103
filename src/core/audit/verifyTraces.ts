/**
 * Verifies a set of trace files against the checkpoints the ledger pinned for them. Each
 * checkpoint goes only to the file(s) holding its session: the trace verifier treats a pinned
 * session it cannot find as truncated, which is right for the set but wrong for one file of it.
 */
import { promises as fsp } from 'node:fs';
import type { TraceCheckpoint } from '../trace/canonical';
import { verifyTraceBytes } from '../trace/verify';
import type { TraceDamage } from '../trace/verifyTypes';
import { AuditError } from './errors';
import { readCheckpointLog, sessionIdsIn } from './files';

export interface FileIntact {
  file: string;
  ok: true;
  sessions: number;
  sessionIds: string[];
  events: number;
  head: string;
  lastSeq: number;
  /** How many ledger checkpoints this file was checked against. */
  checkpoints: number;
}

export interface FileDamaged {
  file: string;
  ok: false;
  kind: TraceDamage;
  /** Where trust ends: the seq the verifier expected next (null for a bad checkpoints.log line). */
  seq: number | null;
  line: number;
  message: string;
  sessionId: string | null;
  /** The offending line as stored (cut to 200 characters), when there is one. */
  lineText: string | null;
  /** Sessions named in the file, in order of appearance. */
  sessionIds: string[];
}

export type FileVerdict = FileIntact | FileDamaged;

export interface TraceSetVerdict {
  ok: boolean;
  files: FileVerdict[];
  checkpointLogs: string[];
  checkpoints: number;
  /** session id → its chain verified intact (with its checkpoints). */
  sessionIntact: Map<string, boolean>;
}

export interface VerifySetOptions {
  schema?: 'all' | 'sample' | 'none';
  /** Only these sessions' checkpoints count (an export verifies a subset of the ledger's traces). */
  onlySessions?: ReadonlySet<string>;
}

const MAX_LINE_TEXT = 200;

function lineAt(buf: Buffer, lineNo: number): string | null {
  let s = 0;
  for (let n = 1; n < lineNo; n++) {
    const e = buf.indexOf(0x0a, s);
    if (e < 0) return null;
    s = e + 1;
  }
  if (s >= buf.length) return null;
  const e = buf.indexOf(0x0a, s);
  const text = buf.toString('utf8', s, e < 0 ? buf.length : e);
  return text.length > MAX_LINE_TEXT ? `${text.slice(0, MAX_LINE_TEXT - 1)}…` : text;
}

export async function verifyTraceSet(traces: readonly string[], checkpointLogs: readonly string[], opts: VerifySetOptions = {}): Promise<TraceSetVerdict> {
  const files: FileVerdict[] = [];
  const pinned = new Map<string, Array<TraceCheckpoint & { source: string }>>();
  let checkpointCount = 0;
  for (const logFile of checkpointLogs) {
    const log = await readCheckpointLog(logFile);
    for (const p of log.problems) {
      files.push({ file: p.file, ok: false, kind: 'schema', seq: null, line: p.line, message: `checkpoint line ${p.line} ${p.message}`, sessionId: null, lineText: null, sessionIds: [] });
    }
    for (const cp of log.checkpoints) {
      if (opts.onlySessions && !opts.onlySessions.has(cp.session_id)) continue;
      checkpointCount++;
      const list = pinned.get(cp.session_id) ?? [];
      list.push({ ...cp, source: logFile });
      pinned.set(cp.session_id, list);
    }
  }

  const seen = new Set<string>();
  const sessionIntact = new Map<string, boolean>();
  for (const file of traces) {
    let buf: Buffer;
    try {
      buf = await fsp.readFile(file);
    } catch (err) {
      throw new AuditError('unreadable', `cannot read \`${file}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const ids = [...sessionIdsIn(buf)];
    ids.forEach((id) => seen.add(id));
    const checkpoints: TraceCheckpoint[] = ids.flatMap((id) => (pinned.get(id) ?? []).map(({ session_id, seq, head }) => ({ session_id, seq, head })));
    const res = verifyTraceBytes(buf, { checkpoints, schema: opts.schema ?? 'sample' });
    if (res.ok) {
      files.push({ file, ok: true, sessions: res.sessions, sessionIds: res.sessionIds, events: res.events, head: res.head, lastSeq: res.lastSeq, checkpoints: checkpoints.length });
      res.sessionIds.forEach((id) => sessionIntact.set(id, sessionIntact.get(id) ?? true));
    } else {
      files.push({
        file, ok: false, kind: res.kind, seq: res.firstBadSeq, line: res.line, message: res.message, sessionId: res.sessionId,
        lineText: lineAt(buf, res.line), sessionIds: ids,
      });
      // Sessions that ended before the damaged one verified in full; the damaged one and any after it did not.
      const cut = res.sessionId === null ? 0 : Math.max(0, ids.indexOf(res.sessionId));
      ids.forEach((id, i) => sessionIntact.set(id, i < cut && sessionIntact.get(id) !== false));
    }
  }

  for (const [sessionId, cps] of pinned) {
    if (seen.has(sessionId)) continue;
    const last = cps.reduce((a, b) => (b.seq > a.seq ? b : a));
    files.push({
      file: last.source, ok: false, kind: 'truncated', seq: 0, line: 0,
      message: `session \`${sessionId}\` is pinned at seq ${last.seq} by the ledger but is in no trace file: its trace was deleted`,
      sessionId, lineText: null, sessionIds: [sessionId],
    });
    sessionIntact.set(sessionId, false);
  }
  return { ok: files.every((f) => f.ok), files, checkpointLogs: [...checkpointLogs], checkpoints: checkpointCount, sessionIntact };
}
