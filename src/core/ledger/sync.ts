/**
 * Ledger sync: ships local trace files to a sink at-least-once; the sink's idempotent key
 * (session_id, seq) makes the effect exactly once (docs/ARCHITECTURE.md invariant 5).
 *
 * The trace file is the disk queue: nothing is copied aside, so nothing is lost while the
 * ledger is down — the engine simply resumes from its cursor later. Per file it reads complete
 * lines after the cursor, checks them against the hash chain (a broken chain is never shipped:
 * the lines before the first bad seq go, nothing after), appends them in batches, and only then
 * moves the cursor. Retryable failures back off with full jitter; the rest fail closed.
 */
import * as path from 'node:path';
import { Emitter, type Event } from '../common/event';
import { backoffDelay, DEFAULT_BACKOFF, systemClock, type BackoffPolicy, type SyncClock } from './backoff';
import { CursorStore } from './cursor';
import { asLedgerError, BrokenTraceError, errorInfo, LedgerConflictError, LedgerError, type LedgerErrorInfo } from './errors';
import type { LedgerHead, LedgerSink } from './sink';
import { SyncWatcher } from './syncWatcher';
import { lastSeqOf, readChunk, sessionIdOf, START_POSITION, type ChainPosition } from './traceChunk';

export type SyncState = 'idle' | 'syncing' | 'retrying' | 'failed';

export interface SessionSyncStatus {
  file: string;
  sessionId: string | undefined;
  state: SyncState;
  /** Last seq the ledger acknowledged (-1: none). */
  ackedSeq: number;
  /** Last complete seq in the local trace, as of the last look (-1: none). */
  localSeq: number;
  /** Events in the local trace the ledger does not have yet. */
  lag: number;
  lastError?: LedgerErrorInfo;
  /** When the next retry is due (ISO), while retrying. */
  nextRetryAt?: string;
  /** Something worth knowing that is not an error (e.g. a cursor was unreadable and reset). */
  note?: string;
}

export interface LedgerSyncStatus {
  sink: string;
  state: SyncState;
  lag: number;
  lastError?: LedgerErrorInfo;
  sessions: SessionSyncStatus[];
}

export interface SyncResult {
  file: string;
  sessionId: string | undefined;
  /** Lines handed to the sink by this call (re-sends after a crash included). */
  sent: number;
  ackedSeq: number;
  lag: number;
}

export interface LedgerSyncOptions {
  sink: LedgerSink;
  /** Where cursors live: `<stateDir>/cursors/<sink.id>/<session>.json`. */
  stateDir: string;
  batchMaxLines?: number;
  batchMaxBytes?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Attempts per sink call in syncOnce before giving up (start() retries without limit). */
  maxAttempts?: number;
  clock?: SyncClock;
  random?: () => number;
  /** start(): how often the directory is listed besides fs.watch events. */
  pollMs?: number;
  /** start(): how long a failed (non-retryable) file rests before it is tried again. */
  failedRetryMs?: number;
}

interface FileEntry {
  status: SessionSyncStatus;
  pos: ChainPosition | undefined;
  running: Promise<void> | undefined;
  dirty: boolean;
  failedAt: number | undefined;
}

export class LedgerSync {
  private readonly sink: LedgerSink;
  private readonly cursors: CursorStore;
  private readonly clock: SyncClock;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private readonly maxAttempts: number;
  private readonly files = new Map<string, FileEntry>();
  private readonly _onDidChangeStatus = new Emitter<LedgerSyncStatus>();
  readonly onDidChangeStatus: Event<LedgerSyncStatus> = this._onDidChangeStatus.event;
  private watcher: SyncWatcher | undefined;

  constructor(private readonly opts: LedgerSyncOptions) {
    this.sink = opts.sink;
    this.cursors = new CursorStore(opts.stateDir, opts.sink.id);
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.maxLines = opts.batchMaxLines ?? 1000;
    this.maxBytes = opts.batchMaxBytes ?? 1024 * 1024;
    this.maxAttempts = opts.maxAttempts ?? 6;
  }

  /** Ships what `traceFile` holds beyond the cursor. Throws the LedgerError that stopped it. */
  async syncOnce(traceFile: string): Promise<SyncResult> {
    return this.syncFile(path.resolve(traceFile), this.maxAttempts, undefined);
  }

  /** Watches `traceDir` (fs.watch + a periodic listing) and keeps every trace in it synced. */
  start(traceDir: string): void {
    if (this.watcher) throw new LedgerError('io', 'ledger sync is already running');
    this.watcher = new SyncWatcher(path.resolve(traceDir), {
      pollMs: this.opts.pollMs ?? 2000,
      clock: this.clock,
      shouldSync: (file, size) => this.shouldSync(file, size),
      sync: (file, signal) => this.runWatched(file, signal),
    });
    this.watcher.start();
  }

  /** Stops watching; waits for in-flight batches (sleeping retries end at once). */
  async stop(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    if (w) await w.stop();
  }

  status(): LedgerSyncStatus {
    const sessions = [...this.files.values()].map((f) => ({ ...f.status }));
    const rank: Record<SyncState, number> = { idle: 0, syncing: 1, retrying: 2, failed: 3 };
    let state: SyncState = 'idle';
    let lastError: LedgerErrorInfo | undefined;
    for (const s of sessions) {
      if (rank[s.state] > rank[state]) state = s.state;
      if (s.lastError && s.state !== 'idle') lastError = s.lastError;
    }
    return { sink: this.sink.display, state, lag: sessions.reduce((n, s) => n + s.lag, 0), ...(lastError ? { lastError } : {}), sessions };
  }

  dispose(): void {
    this._onDidChangeStatus.dispose();
  }

  private entry(file: string): FileEntry {
    let e = this.files.get(file);
    if (!e) {
      e = { status: { file, sessionId: undefined, state: 'idle', ackedSeq: -1, localSeq: -1, lag: 0 }, pos: undefined, running: undefined, dirty: false, failedAt: undefined };
      this.files.set(file, e);
    }
    return e;
  }

  private update(e: FileEntry, patch: Partial<SessionSyncStatus>): void {
    Object.assign(e.status, patch);
    e.status.lag = Math.max(0, e.status.localSeq - e.status.ackedSeq);
    if (e.status.state !== 'retrying') delete e.status.nextRetryAt;
    this._onDidChangeStatus.fire(this.status());
  }

  private shouldSync(file: string, size: number): boolean {
    const e = this.files.get(file);
    if (!e || !e.pos) return true;
    if (e.status.state === 'failed') return e.failedAt === undefined || this.clock.now().getTime() - e.failedAt >= (this.opts.failedRetryMs ?? 5 * 60_000);
    return size > e.pos.offset;
  }

  /** One watched file: serialised, re-run when it changed meanwhile, retried without limit. */
  private runWatched(file: string, signal: AbortSignal): Promise<void> {
    const e = this.entry(file);
    if (e.running) {
      e.dirty = true;
      return e.running;
    }
    e.running = (async () => {
      try {
        do {
          e.dirty = false;
          try {
            await this.syncFile(file, Number.POSITIVE_INFINITY, signal);
          } catch {
            // Already in the status (state failed + lastError); the watcher tries again later.
            return;
          }
        } while (e.dirty && !signal.aborted);
      } finally {
        e.running = undefined;
      }
    })();
    return e.running;
  }

  private async syncFile(file: string, maxAttempts: number, signal: AbortSignal | undefined): Promise<SyncResult> {
    const e = this.entry(file);
    let sent = 0;
    this.update(e, { state: 'syncing' });
    try {
      const sessionId = e.status.sessionId ?? (await sessionIdOf(file));
      if (sessionId === undefined) {
        this.update(e, { state: 'idle' });
        return { file, sessionId, sent, ackedSeq: -1, lag: 0 };
      }
      this.update(e, { sessionId, localSeq: await lastSeqOf(file) });
      let skip: LedgerHead | undefined;
      let pos = e.pos;
      if (!pos) {
        const loaded = await this.cursors.load(sessionId);
        if (loaded.cursor && loaded.cursor.file === file) {
          pos = { sessionId, seq: loaded.cursor.seq, head: loaded.cursor.head, offset: loaded.cursor.offset };
        } else {
          pos = START_POSITION;
          if (!loaded.cursor && 'note' in loaded && loaded.note) this.update(e, { note: loaded.note });
          // No cursor (first sync, or state lost): start after what the ledger already holds.
          const sink = this.sink;
          if (sink.head) skip = await this.retrying(e, () => sink.head!(sessionId), maxAttempts, signal);
        }
        e.pos = pos;
        this.update(e, { ackedSeq: Math.max(pos.seq, skip?.seq ?? -1) });
      }
      const limits = { maxLines: this.maxLines, maxBytes: this.maxBytes };
      let next = readChunk(file, pos, limits);
      for (;;) {
        const chunk = await next;
        const more = !chunk.broken && !chunk.atEnd && chunk.lines.length > 0;
        if (more) {
          // Read and check the next batch while this one is on the wire.
          next = readChunk(file, chunk.end, limits);
          next.catch(() => undefined); // observed when awaited; never an unhandled rejection
        }
        let lines = chunk.lines;
        if (skip) {
          const pinned = skip;
          const at = lines.find((l) => l.seq === pinned.seq);
          if (at && at.hash !== pinned.hash) throw new LedgerConflictError(sessionId, pinned.seq, pinned.hash, at.hash, 'the ledger holds another history of this session');
          lines = lines.filter((l) => l.seq > pinned.seq);
          if (chunk.end.seq >= pinned.seq) skip = undefined;
        }
        if (lines.length > 0) {
          const batch = lines;
          await this.retrying(e, () => this.sink.append(sessionId, batch), maxAttempts, signal);
          sent += batch.length;
        }
        if (chunk.end.seq > pos.seq) {
          await this.cursors.save(sessionId, file, chunk.end, this.clock.now());
          pos = chunk.end;
          e.pos = pos;
          this.update(e, { state: 'syncing', ackedSeq: pos.seq, localSeq: Math.max(e.status.localSeq, pos.seq) });
        }
        if (chunk.broken) throw chunk.broken;
        if (!more) break;
      }
      if (skip) {
        throw new BrokenTraceError(file, pos.seq + 1, `the ledger holds this session up to seq ${skip.seq} but the local trace ends at seq ${pos.seq}: events were cut from its end`);
      }
      const checkpoint = this.sink.checkpoint?.bind(this.sink);
      if (sent > 0 && checkpoint) {
        const cp = { session_id: sessionId, seq: pos.seq, head: pos.head, ts: this.clock.now().toISOString() };
        await this.retrying(e, () => checkpoint(cp), maxAttempts, signal);
      }
      this.update(e, { state: 'idle' });
      e.failedAt = undefined;
      return { file, sessionId, sent, ackedSeq: pos.seq, lag: e.status.lag };
    } catch (err) {
      const le = asLedgerError(err, `ledger sync of \`${file}\` failed`);
      // Stopped while waiting for the ledger: nothing failed, the next start resumes.
      const stopped = signal?.aborted === true && le.retryable;
      if (!stopped) e.failedAt = this.clock.now().getTime();
      // A broken trace or a conflict must be looked at; the cursor stays where it is.
      this.update(e, { state: stopped ? 'idle' : 'failed', lastError: errorInfo(le) });
      throw le;
    }
  }

  private async retrying<T>(e: FileEntry, op: () => Promise<T>, maxAttempts: number, signal: AbortSignal | undefined): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await op();
        if (e.status.state === 'retrying') this.update(e, { state: 'syncing' });
        return r;
      } catch (err) {
        const le = asLedgerError(err, `ledger \`${this.sink.display}\``);
        if (!le.retryable || attempt + 1 >= maxAttempts || signal?.aborted) throw le;
        const delay = backoffDelay(attempt, this.backoff, this.random);
        this.update(e, { state: 'retrying', lastError: errorInfo(le), nextRetryAt: new Date(this.clock.now().getTime() + delay).toISOString() });
        await this.clock.sleep(delay, signal);
        if (signal?.aborted) throw le;
      }
    }
  }
}
