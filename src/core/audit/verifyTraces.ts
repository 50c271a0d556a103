/**
 * Verifies a set of trace files against the checkpoints the ledger pinned for them. Each
 * checkpoint goes only to the file(s) holding its session: the trace verifier treats a pinned
 * session it cannot find as truncated, which is right for the set but wrong for one file of it.
 */
import { promises as fsp } from 'node:fs';
import type { LedgerReader } from '../ledger/ledgerReader';
import type { TraceCheckpoint } from '../trace/canonical';
import { verifyTraceBytes } from '../trace/verify';
import type { TraceDamage } from '../trace/verifyTypes';
import { AuditError } from './errors';
import { readCheckpointLog, sessionIdsIn } from './files';
import { describeError } from '../common/errors';

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
  /** Sessions of this file with no session.end: intact but incomplete (`--strict` fails them). */
  unended: string[];
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
  /** Intact sessions that have no session.end, in file order. */
  incomplete: string[];
}

/** Pins from somewhere other than a checkpoints.log (a ledger's stored heads), with a label for messages. */
export interface PinSource {
  source: string;
  checkpoints: readonly TraceCheckpoint[];
}

export interface VerifySetOptions {
  schema?: 'all' | 'sample' | 'none';
  /** Only these sessions' checkpoints count (an export verifies a subset of the ledger's traces). */
  onlySessions?: ReadonlySet<string>;
  /** More pins, e.g. the heads a ledger stores for the sessions of local files (`verify FILE --ledger URL`). */
  pins?: readonly PinSource[];
}

function incompleteOf(files: readonly FileVerdict[]): string[] {
  return files.flatMap((f) => (f.ok ? f.unended : []));
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
  for (const pin of opts.pins ?? []) {
    for (const cp of pin.checkpoints) {
      if (opts.onlySessions && !opts.onlySessions.has(cp.session_id)) continue;
      checkpointCount++;
      const list = pinned.get(cp.session_id) ?? [];
      list.push({ ...cp, source: pin.source });
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
      throw new AuditError('unreadable', `cannot read \`${file}\` (${(err as NodeJS.ErrnoException).code ?? describeError(err)})`);
    }
    const ids = [...sessionIdsIn(buf)];
    ids.forEach((id) => seen.add(id));
    const checkpoints: TraceCheckpoint[] = ids.flatMap((id) => (pinned.get(id) ?? []).map(({ session_id, seq, head }) => ({ session_id, seq, head })));
    const res = verifyTraceBytes(buf, { checkpoints, schema: opts.schema ?? 'sample' });
    if (res.ok) {
      files.push({ file, ok: true, sessions: res.sessions, sessionIds: res.sessionIds, events: res.events, head: res.head, lastSeq: res.lastSeq, checkpoints: checkpoints.length, unended: res.unended });
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
  return { ok: files.every((f) => f.ok), files, checkpointLogs: [...checkpointLogs, ...(opts.pins ?? []).map((p) => p.source)], checkpoints: checkpointCount, sessionIntact, incomplete: incompleteOf(files) };
}

export interface VerifyReaderOptions extends VerifySetOptions {
  /** Checkpoint logs to hold the ledger to besides its own checkpoints (`--checkpoints FILE`). */
  checkpointLogs?: readonly string[];
}

/** How a session of a ledger is named in verdicts: `<ledger>#<session id>`. */
export function ledgerSessionLabel(reader: Pick<LedgerReader, 'display'>, sessionId: string): string {
  return `${reader.display}#${encodeURIComponent(sessionId)}`;
}

/**
 * Verifies every session a ledger holds, read back through a LedgerReader (a PostgreSQL ledger:
 * bytes exactly as stored), against the checkpoints the ledger pinned. One verdict per session
 * (`file` is `ledgerSessionLabel`). Besides the chain, a row whose columns disagree with its raw
 * line is `modified` at that row's seq: the database's own triggers cannot see that, and a
 * re-hashed rewrite of the raw lines would otherwise chain. Where both find damage, the earlier
 * seq wins (that is where trust ends); at the same seq the chain verifier's verdict is kept.
 * Read failures (unreachable, not initialised) are thrown as the reader's LedgerError.
 */
export async function verifyLedgerReader(reader: LedgerReader, opts: VerifyReaderOptions = {}): Promise<TraceSetVerdict> {
  const files: FileVerdict[] = [];
  const pinned = new Map<string, Array<TraceCheckpoint & { source: string }>>();
  let checkpointCount = 0;
  const pin = (cp: TraceCheckpoint, source: string): void => {
    if (opts.onlySessions && !opts.onlySessions.has(cp.session_id)) return;
    checkpointCount++;
    const list = pinned.get(cp.session_id) ?? [];
    list.push({ ...cp, source });
    pinned.set(cp.session_id, list);
  };
  for (const cp of await reader.checkpoints()) pin(cp, reader.checkpointsDisplay);
  for (const logFile of opts.checkpointLogs ?? []) {
    const log = await readCheckpointLog(logFile);
    for (const p of log.problems) {
      files.push({ file: p.file, ok: false, kind: 'schema', seq: null, line: p.line, message: `checkpoint line ${p.line} ${p.message}`, sessionId: null, lineText: null, sessionIds: [] });
    }
    log.checkpoints.forEach((cp) => pin(cp, logFile));
  }

  const seen = new Set<string>();
  const sessionIntact = new Map<string, boolean>();
  for await (const sessionId of reader.sessions()) {
    if (opts.onlySessions && !opts.onlySessions.has(sessionId)) continue;
    seen.add(sessionId);
    const file = ledgerSessionLabel(reader, sessionId);
    const read = await reader.readSession(sessionId);
    const checkpoints: TraceCheckpoint[] = (pinned.get(sessionId) ?? []).map(({ session_id, seq, head }) => ({ session_id, seq, head }));
    const res = verifyTraceBytes(read.bytes, { checkpoints, schema: opts.schema ?? 'sample' });
    const mismatch = read.mismatches[0];
    if (res.ok && mismatch === undefined) {
      files.push({ file, ok: true, sessions: res.sessions, sessionIds: res.sessionIds, events: res.events, head: res.head, lastSeq: res.lastSeq, checkpoints: checkpoints.length, unended: res.unended });
      sessionIntact.set(sessionId, true);
      continue;
    }
    sessionIntact.set(sessionId, false);
    if (mismatch !== undefined && (res.ok || mismatch.seq < res.firstBadSeq)) {
      files.push({
        file, ok: false, kind: 'modified', seq: mismatch.seq, line: mismatch.line, message: mismatch.message, sessionId,
        lineText: lineAt(read.bytes, mismatch.line), sessionIds: [sessionId],
      });
    } else if (!res.ok) {
      files.push({
        file, ok: false, kind: res.kind, seq: res.firstBadSeq, line: res.line, message: res.message, sessionId: res.sessionId ?? sessionId,
        lineText: lineAt(read.bytes, res.line), sessionIds: [sessionId],
      });
    }
  }

  for (const [sessionId, cps] of pinned) {
    if (seen.has(sessionId)) continue;
    const last = cps.reduce((a, b) => (b.seq > a.seq ? b : a));
    files.push({
      file: last.source, ok: false, kind: 'truncated', seq: 0, line: 0,
      message: `session \`${sessionId}\` is pinned at seq ${last.seq} by the ledger but has no events in ${reader.display}: its rows were deleted`,
      sessionId, lineText: null, sessionIds: [sessionId],
    });
    sessionIntact.set(sessionId, false);
  }
  return {
    ok: files.every((f) => f.ok), files, checkpointLogs: [reader.checkpointsDisplay, ...(opts.checkpointLogs ?? [])], checkpoints: checkpointCount, sessionIntact,
    incomplete: incompleteOf(files),
  };
}
