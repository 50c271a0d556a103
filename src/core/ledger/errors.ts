import { describeError, AgentLaneError } from '../common/errors';

/**
 * Typed ledger errors. Every failure carries a `reason` a person can act on and a `retryable`
 * flag the sync engine obeys: retryable failures (the ledger is unreachable or restarting) are
 * retried with backoff and the trace file stays the queue; the others fail closed — the cursor
 * does not move and the reason is shown until someone fixes the cause.
 */
export type LedgerErrorReason =
  | 'unreachable' // network error, refused, reset, timeout, server restarting (retryable)
  | 'unavailable' // the ledger answered "try later": HTTP 429/502/503/504, PG 57P01/57P03/53300 (retryable)
  | 'conflict' // a (session, seq) already stored with another hash: two different histories
  | 'gap' // the ledger's head is behind what we were told was acknowledged: it lost events
  | 'no-space' // ENOSPC / EDQUOT on the ledger's storage
  | 'permission' // EACCES / EPERM / EROFS, PG 42501
  | 'not-initialised' // PostgreSQL tables missing: run `agentlane ledger init`
  | 'schema-too-new' // the ledger schema is newer than this build understands
  | 'rejected' // the ledger refused the data (constraint, 4xx) and will keep refusing it
  | 'corrupt-ledger' // what the ledger stores does not parse or does not chain
  | 'broken-trace' // the local trace fails its hash chain: never shipped past the first bad seq
  | 'local-io' // the local trace or cursor could not be read or written
  | 'bad-url' // openSink could not make sense of the ledger address
  | 'closed' // the sink was closed
  | 'io'; // any other I/O failure, not retried

const RETRYABLE: ReadonlySet<LedgerErrorReason> = new Set(['unreachable', 'unavailable']);

export class LedgerError extends AgentLaneError<LedgerErrorReason> {
  readonly retryable: boolean;
  constructor(reason: LedgerErrorReason, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(reason, message, options);
    this.retryable = options?.retryable ?? RETRYABLE.has(reason);
  }
}

/** Same (session, seq), different hash: the ledger holds another history of this session. */
export class LedgerConflictError extends LedgerError {
  constructor(
    readonly sessionId: string,
    readonly seq: number,
    readonly storedHash: string,
    readonly sentHash: string,
    detail?: string,
  ) {
    super('conflict', `ledger conflict in session \`${sessionId}\` at seq ${seq}: the ledger holds ${storedHash.slice(0, 12)}… but the trace has ${sentHash.slice(0, 12)}…${detail ? ` (${detail})` : ''}`);
  }
}

/** The local trace breaks its chain: lines before `firstBadSeq` may ship, nothing after. */
export class BrokenTraceError extends LedgerError {
  constructor(readonly file: string, readonly firstBadSeq: number, why: string) {
    super('broken-trace', `trace \`${file}\` is broken at seq ${firstBadSeq}: ${why}; nothing from seq ${firstBadSeq} on is shipped (run \`agentlane verify\`)`);
  }
}

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EADDRNOTAVAIL', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNetworkCode(code: string | undefined): boolean {
  return code !== undefined && NETWORK_CODES.has(code);
}

/** Maps a file-system error of a directory ledger to a reason. */
export function ledgerErrorFromFs(e: unknown, doing: string): LedgerError {
  if (LedgerError.is(e)) return e;
  const code = errnoCode(e);
  const detail = describeError(e);
  const reason: LedgerErrorReason =
    code === 'ENOSPC' || code === 'EDQUOT' ? 'no-space'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission'
        // A shared drive that went away looks like these; it may come back.
        : code === 'ESTALE' || code === 'EHOSTDOWN' || isNetworkCode(code) ? 'unreachable'
          : 'io';
  const hint = reason === 'no-space' ? ': the ledger disk is full, free space and sync again' : '';
  return new LedgerError(reason, `cannot ${doing}: ${detail}${hint}`, { cause: e });
}

/** Short plain form for status displays and JSON. */
export interface LedgerErrorInfo {
  reason: LedgerErrorReason;
  message: string;
  retryable: boolean;
}

export function errorInfo(e: LedgerError): LedgerErrorInfo {
  return { reason: e.reason, message: e.message, retryable: e.retryable };
}

/** Anything thrown inside the engine, as a LedgerError (unknown failures are not retried). */
export function asLedgerError(e: unknown, doing: string): LedgerError {
  if (LedgerError.is(e)) return e;
  const detail = describeError(e);
  return new LedgerError('io', `${doing}: ${detail}`, { cause: e });
}
