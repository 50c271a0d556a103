/**
 * Where check-commits looks up a session's trace: a ledger directory (`<dir>/<session>.trace.jsonl`
 * plus `checkpoints.log`, see ledger/directorySink.ts) or a plain trace directory (same file
 * names, no log). A file that concatenates sessions (an export) is found by content. A
 * PostgreSQL ledger is read through a LedgerReader (`readerTraceStore`).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { LedgerReader } from '../ledger/ledgerReader';
import type { TraceCheckpoint } from '../trace/canonical';

export interface StoredTrace {
  /** For messages. */
  file: string;
  bytes: Buffer;
  /** Heads the ledger pinned for this session: the verifier holds the file to them. */
  checkpoints: TraceCheckpoint[];
}

export interface TraceStore {
  readonly display: string;
  find(sessionId: string): Promise<StoredTrace | undefined>;
}

const TRACE_SUFFIX = '.trace.jsonl';
const CHECKPOINTS_LOG = 'checkpoints.log';
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const CheckpointLine = z.object({ session_id: z.string(), seq: z.number().int().nonnegative(), head: z.string().regex(/^[0-9a-f]{64}$/) });

/** A session id from a trailer is attacker-controlled text: only plain ids may name a file. */
export function isSafeSessionId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

export function directoryTraceStore(dir: string): TraceStore {
  let checkpoints: Promise<TraceCheckpoint[]> | undefined;
  let listing: Promise<string[]> | undefined;
  return {
    display: dir,
    async find(sessionId) {
      if (!isSafeSessionId(sessionId)) return undefined;
      const direct = path.join(dir, `${sessionId}${TRACE_SUFFIX}`);
      let file: string | undefined;
      let bytes = await readIfExists(direct);
      if (bytes) file = direct;
      else {
        const needle = Buffer.from(`"session_id":${JSON.stringify(sessionId)}`, 'utf8');
        listing ??= fsp.readdir(dir).then((names) => names.filter((n) => n.endsWith('.jsonl')).sort());
        for (const name of await listing) {
          const b = await readIfExists(path.join(dir, name));
          if (b && b.includes(needle)) {
            file = path.join(dir, name);
            bytes = b;
            break;
          }
        }
      }
      if (!file || !bytes) return undefined;
      checkpoints ??= readCheckpoints(path.join(dir, CHECKPOINTS_LOG));
      return { file, bytes, checkpoints: (await checkpoints).filter((c) => c.session_id === sessionId) };
    },
  };
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw e;
  }
}

/** Lines that do not parse are skipped: the log is a helper, the trace's own chain is the proof. */
async function readCheckpoints(file: string): Promise<TraceCheckpoint[]> {
  const buf = await readIfExists(file);
  if (!buf) return [];
  const out: TraceCheckpoint[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = CheckpointLine.safeParse(JSON.parse(line));
      if (r.success) out.push({ session_id: r.data.session_id, seq: r.data.seq, head: r.data.head });
    } catch {
      // not JSON: skipped, see above
    }
  }
  return out;
}

/**
 * A TraceStore over a LedgerReader (a PostgreSQL ledger): a session's trace is its stored rows,
 * bytes exactly as stored, held to the ledger's checkpoints. A row whose `hash` column disagrees
 * with its raw line adds a pin {seq, column hash}: the column is what the chain trigger accepted
 * at insert time, so a raw line rewritten around the triggers (even re-hashed so the bytes
 * chain) fails verification at that seq. The reader is the caller's to close.
 */
export function readerTraceStore(reader: LedgerReader): TraceStore {
  let checkpoints: Promise<TraceCheckpoint[]> | undefined;
  return {
    display: reader.display,
    async find(sessionId) {
      if (!isSafeSessionId(sessionId)) return undefined;
      const read = await reader.readSession(sessionId);
      if (read.bytes.length === 0) return undefined;
      checkpoints ??= reader.checkpoints();
      const pins = (await checkpoints).filter((c) => c.session_id === sessionId);
      for (const m of read.mismatches) {
        if (m.rawHash !== m.columnHash) pins.push({ session_id: sessionId, seq: m.seq, head: m.columnHash });
      }
      return { file: `${reader.display}#${encodeURIComponent(sessionId)}`, bytes: read.bytes, checkpoints: pins };
    },
  };
}
