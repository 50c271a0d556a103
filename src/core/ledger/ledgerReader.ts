/**
 * Reading evidence back from a ledger, for auditors (`agentlane verify --ledger`) and the CI
 * gate (`agentlane check-commits --ledger`). One interface over both readable sinks:
 *
 *   directory   <dir>/<session>.trace.jsonl + checkpoints.log (directorySink.ts)
 *   PostgreSQL  agentlane_trace_events + agentlane_checkpoints (postgresReader.ts)
 *
 * An OTLP collector cannot be asked what it holds, so it has no reader.
 *
 * A session's trace comes back as the exact bytes the writer wrote — for PostgreSQL the `raw`
 * column of each row in seq order, each followed by "\n" — so the fast verifier hashes the
 * lines as written, never a re-encoding of them. Everything read back is validated (zod)
 * before it is trusted: a row that is not what agentlane stores is a `corrupt-ledger` error.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { TraceCheckpoint } from '../trace/canonical';
import { sessionFileName } from './directorySink';
import { LedgerError, ledgerErrorFromFs } from './errors';
import { parseLedgerUrl } from './openSink';
import { PostgresReader, type PostgresReaderOptions } from './postgresReader';

/**
 * A stored row whose columns disagree with its own `raw` line. The database's triggers check
 * the columns when a row is inserted; someone who bypasses them (a superuser with the triggers
 * disabled) can change `raw` without the columns, or the columns without `raw`. The bytes alone
 * may still chain (a re-hashed rewrite), the columns then give the rewrite away.
 */
export interface RowMismatch {
  sessionId: string;
  /** The row's seq column. */
  seq: number;
  /** 1-based position of the row in the session (the line of `traceBytes`). */
  line: number;
  /** Which field disagrees; `raw` when the raw text is not one trace line at all. */
  field: 'session_id' | 'seq' | 'prev' | 'hash' | 'raw';
  /** The `hash` column: what the chain trigger accepted when the row was inserted. */
  columnHash: string;
  /** The raw line's `hash`, when it has one. */
  rawHash: string | null;
  message: string;
}

export interface SessionRead {
  sessionId: string;
  /** The stored lines, exact bytes, each ended by "\n" (empty when the session is unknown). */
  bytes: Buffer;
  /** How many lines (rows) `bytes` holds. */
  lines: number;
  /** Rows whose columns disagree with their raw line (always empty for a directory ledger). */
  mismatches: RowMismatch[];
}

export interface LedgerReader {
  readonly kind: 'directory' | 'postgres';
  /** Where it reads from, credentials removed: safe to print. */
  readonly display: string;
  /** Where the checkpoints come from, for messages (a file, or a table). */
  readonly checkpointsDisplay: string;
  /** Every session the ledger holds events of, each once, in a stable (sorted) order. */
  sessions(): AsyncIterable<string>;
  /** The session's stored lines as exact bytes, ordered by seq, each ended by "\n"; empty if none. */
  traceBytes(sessionId: string): Promise<Buffer>;
  /** traceBytes plus the row-versus-line consistency check the database cannot do itself. */
  readSession(sessionId: string): Promise<SessionRead>;
  /** Every checkpoint (chain head) the ledger pinned. */
  checkpoints(): Promise<TraceCheckpoint[]>;
  close(): Promise<void>;
}

export interface OpenLedgerReaderOptions {
  /** Resolves relative directory paths (the CLI's cwd). */
  cwd?: string;
  postgres?: PostgresReaderOptions;
}

/**
 * `--ledger URL` → a reader: postgres:// / postgresql:// and directory addresses (dir:PATH,
 * file://PATH, a plain path). Throws LedgerError('bad-url') for an address it cannot read back.
 * Does not connect: the first read does.
 */
export function openLedgerReader(url: string, opts: OpenLedgerReaderOptions = {}): LedgerReader {
  const a = parseLedgerUrl(url, opts.cwd);
  switch (a.kind) {
    case 'postgres':
      return new PostgresReader(a.target, a.display, opts.postgres);
    case 'directory':
      return new DirectoryReader(a.target);
    case 'otlp':
      throw new LedgerError('bad-url', `an OTLP ledger (${a.display}) is write-only: a collector cannot be read back; read the PostgreSQL or directory ledger the traces also go to`);
  }
}

const TRACE_SUFFIX = '.trace.jsonl';
const CHECKPOINTS_LOG = 'checkpoints.log';

/** A line of checkpoints.log (loose: a sink may add fields such as `ts`). */
const CheckpointLineSchema = z.object({
  session_id: z.string().min(1),
  seq: z.number().int().nonnegative(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * A directory ledger read back. The session file is the only copy of the lines, so there are
 * no columns to compare with: `mismatches` is always empty and the hash chain is the proof.
 */
export class DirectoryReader implements LedgerReader {
  readonly kind = 'directory' as const;
  private closed = false;

  constructor(readonly dir: string) {}

  get display(): string {
    return `dir:${this.dir}`;
  }

  get checkpointsDisplay(): string {
    return path.join(this.dir, CHECKPOINTS_LOG);
  }

  async *sessions(): AsyncIterable<string> {
    this.assertOpen();
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (e) {
      throw ledgerErrorFromFs(e, `list ledger directory \`${this.dir}\``);
    }
    const ids: string[] = [];
    for (const name of names) {
      if (!name.endsWith(TRACE_SUFFIX)) continue;
      const id = decodeName(name.slice(0, -TRACE_SUFFIX.length));
      // Only names the sink itself would have written: anything else is not a session file.
      if (id !== undefined && sessionFileName(id) === name) ids.push(id);
    }
    ids.sort();
    yield* ids;
  }

  async traceBytes(sessionId: string): Promise<Buffer> {
    return (await this.readSession(sessionId)).bytes;
  }

  async readSession(sessionId: string): Promise<SessionRead> {
    this.assertOpen();
    const bytes = (await this.readIfExists(path.join(this.dir, sessionFileName(sessionId)))) ?? Buffer.alloc(0);
    let lines = 0;
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) lines++;
    return { sessionId, bytes, lines, mismatches: [] };
  }

  /** Lines that do not parse are skipped: `agentlane verify DIR` reports them. */
  async checkpoints(): Promise<TraceCheckpoint[]> {
    this.assertOpen();
    const buf = await this.readIfExists(this.checkpointsDisplay);
    if (!buf) return [];
    const out: TraceCheckpoint[] = [];
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const r = CheckpointLineSchema.safeParse(value);
      if (r.success) out.push({ session_id: r.data.session_id, seq: r.data.seq, head: r.data.head });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('closed', `ledger reader \`${this.display}\` is closed`);
  }

  private async readIfExists(file: string): Promise<Buffer | undefined> {
    try {
      return await fsp.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw ledgerErrorFromFs(e, `read ledger file \`${file}\``);
    }
  }
}

function decodeName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
