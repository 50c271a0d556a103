/**
 * The append-only, hash-chained trace writer of one session.
 *
 * Invariant 5 — an event is durable before its answer goes back — is paid for with group
 * commit: every append made in the same turn of the event loop is encoded at once (so `seq`
 * and `prev` follow call order), then the batch goes out in one `write` and one `fdatasync`,
 * and only then do their promises resolve. Appends that arrive while a batch is syncing form
 * the next batch. A failed write rejects the whole batch and every later append with a
 * TraceWriteError: the tail of the file is unknown until it is reopened, and the broker fails
 * closed on it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson, CanonicalEncodingError, GENESIS_PREV, hashCanonicalBody, lineFromBody, TRACE_SCHEMA, type TraceCheckpoint } from './canonical';
import { trustLabel } from './trust';
import { TraceWriteError } from './errors';
import { recoverTrace, type TornTail } from './recover';
import { TraceEventSchema, type Supervisor, type TraceEvent, type TraceEventInput } from './schema';

export { TraceWriteError, type TraceWriteReason } from './errors';

export type Durability = 'fsync' | 'none';

/** The file operations the writer performs once open; injectable so tests can fail them. */
export interface TraceFileIo {
  write(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface TraceWriterOptions {
  sessionId: string;
  missionId?: string | null;
  supervisor?: Supervisor | null;
  /** `fsync` (default): fdatasync per batch. `none`: leave it to the OS — tests and benches only. */
  durability?: Durability;
  /** Clock for `ts`; fixtures pin it. */
  now?: () => Date;
  /** Wraps the opened file, e.g. to inject faults in tests. */
  wrapIo?: (io: TraceFileIo) => TraceFileIo;
}

interface Pending {
  line: string;
  event: TraceEvent;
  resolve: (e: TraceEvent) => void;
  reject: (e: TraceWriteError) => void;
}

/** Files with an open writer in this process: one writer per file keeps the chain linear. */
const openFiles = new Set<string>();

export class TraceWriter {
  private seq: number;
  private head: string;
  private durableSeq: number;
  private durableHead: string;
  private pending: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private failure: TraceWriteError | undefined;
  private closed = false;
  /** A torn tail found on open of a file without a header yet: recorded after session.start. */
  private tornToRecord: TornTail | undefined;

  private constructor(
    readonly file: string,
    private readonly io: TraceFileIo,
    private readonly opts: Required<Pick<TraceWriterOptions, 'sessionId' | 'durability' | 'now'>> & TraceWriterOptions,
    last: TraceEvent | undefined,
  ) {
    this.seq = last ? last.seq : -1;
    this.head = last ? last.hash : GENESIS_PREV;
    this.durableSeq = this.seq;
    this.durableHead = this.head;
  }

  static async open(file: string, options: TraceWriterOptions): Promise<TraceWriter> {
    const abs = path.resolve(file);
    if (openFiles.has(abs)) throw new TraceWriteError('busy', `trace \`${abs}\` already has a writer in this process`, abs);
    openFiles.add(abs);
    try {
      const opts = { durability: 'fsync' as const, now: () => new Date(), ...options };
      const durable = opts.durability === 'fsync';
      await makePrivateDir(path.dirname(abs));
      const state = await recoverTrace(abs, opts.sessionId, durable);
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(abs, 'a', 0o600);
        if (durable && (state.created || state.torn)) await syncDir(path.dirname(abs));
      } catch (e) {
        throw TraceWriteError.fromFs(e, abs, 'open');
      }
      const io = opts.wrapIo ? opts.wrapIo(fileIo(fh)) : fileIo(fh);
      const writer = new TraceWriter(abs, io, opts, state.last);
      if (state.torn) {
        if (state.last) await writer.append(tornEvent(state.torn));
        else writer.tornToRecord = state.torn;
      }
      return writer;
    } catch (e) {
      openFiles.delete(abs);
      throw e;
    }
  }

  get sessionId(): string {
    return this.opts.sessionId;
  }

  /** Seq of the last event accepted by append (durable or not); -1 before the first. */
  get lastSeq(): number {
    return this.seq;
  }

  /** The durable chain head: what a commit trailer or the ledger may pin. */
  checkpoint(): TraceCheckpoint {
    return { session_id: this.opts.sessionId, seq: this.durableSeq, head: this.durableHead };
  }

  /**
   * Adds an event; resolves with the stored event once it is durably written. The writer
   * fills schema, seq, ts, session_id, prev and hash (and mission_id / supervisor when left out).
   */
  append(input: TraceEventInput): Promise<TraceEvent> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new TraceWriteError('closed', `trace \`${this.file}\` is closed`, this.file));
    if (this.seq < 0 && input.event !== 'session.start') {
      return Promise.reject(new TraceWriteError('header', `the first event of trace \`${this.file}\` must be session.start, not ${input.event}`, this.file));
    }
    let encoded: { line: string; event: TraceEvent };
    try {
      encoded = this.encode(input);
    } catch (e) {
      return Promise.reject(e);
    }
    this.seq = encoded.event.seq;
    this.head = encoded.event.hash;
    const done = new Promise<TraceEvent>((resolve, reject) => {
      this.pending.push({ ...encoded, resolve, reject });
    });
    if (this.tornToRecord && encoded.event.event === 'session.start') {
      const torn = this.tornToRecord;
      this.tornToRecord = undefined;
      // Same batch as the header; its promise settles with the batch (a failure surfaces on `done`).
      this.append(tornEvent(torn)).catch(() => undefined);
    }
    this.schedule();
    return done;
  }

  /** Waits for every accepted append to be written, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.scheduled || this.flushing) await (this.flushing ?? new Promise<void>((r) => setImmediate(r)));
    openFiles.delete(this.file);
    try {
      await this.io.close();
    } catch (e) {
      throw TraceWriteError.fromFs(e, this.file, 'close');
    }
    if (this.failure) throw this.failure;
  }

  private encode(input: TraceEventInput): { line: string; event: TraceEvent } {
    const { reported_by: _ignored, ...rest } = input as TraceEventInput & { reported_by?: unknown };
    const label = trustLabel(input);
    const candidate = {
      ...rest,
      // The label follows from the kind, never from the caller: a claim cannot be passed off as evidence.
      ...(label ? { reported_by: label } : {}),
      schema: TRACE_SCHEMA,
      seq: this.seq + 1,
      ts: this.opts.now().toISOString(),
      session_id: this.opts.sessionId,
      mission_id: input.mission_id !== undefined ? input.mission_id : (this.opts.missionId ?? null),
      supervisor: input.supervisor !== undefined ? input.supervisor : (this.opts.supervisor ?? null),
      prev: this.head,
    };
    // Validate before the event gets a seq: a bad event is the caller's bug, not a hole in the chain.
    const checked = TraceEventSchema.safeParse({ ...candidate, hash: GENESIS_PREV });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue ? issue.path.join('.') : '';
      throw new TraceWriteError('invalid-event', `${input.event} event is invalid at \`${where}\`: ${issue?.message ?? 'schema mismatch'}`, this.file);
    }
    const { hash: _placeholder, ...body } = checked.data;
    let canonical: string;
    try {
      canonical = canonicalJson(body);
    } catch (e) {
      if (CanonicalEncodingError.is(e)) throw new TraceWriteError('invalid-event', e.message, this.file, { cause: e });
      throw e;
    }
    const hash = hashCanonicalBody(canonical);
    return { line: lineFromBody(canonical, hash), event: { ...checked.data, hash } };
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: every append of this event-loop turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        // An append made after the loop's last check but before this callback would be stranded.
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.io.write(Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
        if (this.opts.durability === 'fsync') await this.io.sync();
      } catch (e) {
        const err = TraceWriteError.fromFs(e, this.file, 'append to');
        this.failure = new TraceWriteError('failed', err.message, this.file, { cause: err });
        for (const p of batch) p.reject(err);
        for (const p of this.pending.splice(0)) p.reject(this.failure);
        return;
      }
      const last = batch[batch.length - 1]!.event;
      this.durableSeq = last.seq;
      this.durableHead = last.hash;
      for (const p of batch) p.resolve(p.event);
    }
  }
}

function tornEvent(torn: TornTail): TraceEventInput {
  return { event: 'trace.torn', actor: 'system', bytes: torn.bytes, offset: torn.offset, sidecar: torn.sidecar };
}

function fileIo(fh: fsp.FileHandle): TraceFileIo {
  return {
    async write(data) {
      // The file is opened O_APPEND; a short write is retried with the rest.
      let off = 0;
      while (off < data.length) {
        const { bytesWritten } = await fh.write(data, off, data.length - off);
        off += bytesWritten;
      }
    },
    sync: () => fh.datasync(),
    close: () => fh.close(),
  };
}

async function makePrivateDir(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw TraceWriteError.fromFs(e, dir, 'create the directory of');
  }
}

/** A new file's directory entry must be durable too, or a crash can lose the whole file. */
async function syncDir(dir: string): Promise<void> {
  const dh = await fsp.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
