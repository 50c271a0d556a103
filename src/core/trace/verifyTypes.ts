/**
 * The verifier's contract, shared by the fast verifier (verify.ts) and the naive reference
 * (naiveVerify.ts) so tests can compare them result for result.
 *
 * Damage kinds, decided in this order for the first line that fails (both verifiers):
 *   torn       the file ends without a newline: a write was cut off
 *   modified   the line's bytes are not what a writer wrote: not JSON, not canonical, or not
 *              matching its own `hash`; or its `prev` does not link to the event before it
 *              while its seq is the expected one (that event or this one was rewritten);
 *              or a pinned checkpoint's head differs from the chain at that seq
 *   schema     the line is intact but is not a valid trace event
 *   header     a session's first event is not `session.start` with seq 0 and the genesis prev
 *   inserted   a seq that was already used, a line of another session, or an extra line
 *   reordered  a later event arrives early and the expected seq follows further down
 *   deleted    a seq gap the rest of the file does not fill
 *   truncated  a pinned checkpoint lies beyond the end of its session (or its session is absent)
 *
 * `firstBadSeq` is the chain position where trust ends: the seq the verifier expected next.
 */
import type { TraceCheckpoint } from './canonical';

export type TraceDamage = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'torn' | 'header' | 'schema';

export interface VerifyOk {
  ok: true;
  /** How many sessions the file holds (a ledger export may concatenate several). */
  sessions: number;
  sessionIds: string[];
  events: number;
  /** Head and last seq of the last session in the file. */
  head: string;
  lastSeq: number;
  /**
   * Sessions with no `session.end`, in file order: still running, or cut short (crash, kill, or
   * an end deleted together with its tail — only a checkpoint tells those apart). The chain is
   * intact; `agentlane verify` reports them as incomplete and `--strict` fails them.
   */
  unended: string[];
}

export interface VerifyFailure {
  ok: false;
  firstBadSeq: number;
  kind: TraceDamage;
  /** 1-based line number of the offending line (for `truncated`: one past the last line). */
  line: number;
  message: string;
  sessionId: string | null;
}

export type VerifyResult = VerifyOk | VerifyFailure;

/**
 * `schema` — how much of the file is checked against the zod schema (and for canonical form):
 *   'all'    every line (slower; what `agentlane verify --strict` should use)
 *   'sample' (default) every session.start, every line of an unknown event kind, the last
 *            line, and every `sampleEvery`-th line. The hash chain already proves each line
 *            is what the writer wrote, and the writer validates before it writes; a line that
 *            verifies but breaks the schema needs someone who can recompute the chain — which
 *            only checkpoints can catch anyway.
 *   'none'   chain only
 */
export interface VerifyOptions {
  checkpoints?: readonly TraceCheckpoint[];
  schema?: 'all' | 'sample' | 'none';
  sampleEvery?: number;
}
