/**
 * Where traces end up for the organisation. Three implementations: a directory (the embedded
 * default, e.g. a shared drive), PostgreSQL, and an OTLP/HTTP logs collector (→ SIEM).
 *
 * Contract every sink keeps (docs/ARCHITECTURE.md invariant 5): the key of an event is (session_id, seq).
 *   - `append` of a (session, seq) already stored with the same hash is a no-op, so the sync
 *     engine can re-send after a crash without creating duplicates;
 *   - the same (session, seq) with another hash is a LedgerConflictError and nothing of that
 *     call is written;
 *   - lines arrive in seq order and chain (`prev` = hash of seq - 1): a sink that can check the
 *     chain refuses a batch that does not continue its stored head.
 * The OTLP sink is write-only (no `head`): a collector cannot be asked what it holds, so the
 * SIEM de-duplicates on (agentlane.session_id, agentlane.seq) and the engine keeps the cursor.
 */
import type { TraceEvent } from '../trace/schema';

/** One trace line, checked against its hash chain by the sync engine before it is handed over. */
export interface LedgerLine {
  seq: number;
  hash: string;
  prev: string;
  /** The exact bytes of the trace line as UTF-8 text, without the terminating newline. */
  raw: string;
  event: TraceEvent;
}

export interface LedgerHead {
  seq: number;
  hash: string;
}

/** A chain head the ledger pins (docs/ARCHITECTURE.md "Trace": checkpoint {session_id, seq, head}). */
export interface LedgerCheckpoint {
  session_id: string;
  seq: number;
  head: string;
  /** ISO time the checkpoint was taken. */
  ts: string;
}

export type LedgerSinkKind = 'directory' | 'postgres' | 'otlp';

export interface LedgerSink {
  /** Kind of sink, for messages. */
  readonly name: LedgerSinkKind;
  /** Stable id of the destination (no credentials): cursors are kept per sink id. */
  readonly id: string;
  /** Where it writes, credentials removed: safe to print. */
  readonly display: string;
  /** Creates the storage (directory, tables); idempotent. `agentlane ledger init` calls it. */
  init?(): Promise<void>;
  /** The last stored event of a session, or undefined if none. Absent on write-only sinks. */
  head?(sessionId: string): Promise<LedgerHead | undefined>;
  /** Stores lines of one session in seq order; idempotent per (session, seq), see above. */
  append(sessionId: string, lines: readonly LedgerLine[]): Promise<void>;
  checkpoint?(cp: LedgerCheckpoint): Promise<void>;
  close(): Promise<void>;
}
