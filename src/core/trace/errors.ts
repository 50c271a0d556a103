import { describeError, AgentLaneError } from '../common/errors';

/** Why a trace write failed; the broker fails closed on every one of them (invariant 1). */
export type TraceWriteReason =
  | 'no-space' // ENOSPC / EDQUOT
  | 'permission' // EACCES / EPERM / EROFS
  | 'io' // any other error from the file system
  | 'busy' // another writer of this process holds the file
  | 'closed' // append after close()
  | 'failed' // an earlier write failed: the file's tail is unknown until it is reopened
  | 'corrupt' // the existing file's last complete line is not a valid event
  | 'session-mismatch' // the existing file belongs to another session
  | 'header' // the first event of a trace must be session.start
  | 'invalid-event'; // the event does not match the schema or cannot be encoded

export class TraceWriteError extends AgentLaneError<TraceWriteReason> {
  constructor(
    reason: TraceWriteReason,
    message: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }

  /** Maps a Node fs error to the reason a person can act on. */
  static fromFs(e: unknown, file: string, doing: string): TraceWriteError {
    if (TraceWriteError.is(e)) return e;
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    const reason: TraceWriteReason =
      code === 'ENOSPC' || code === 'EDQUOT' ? 'no-space'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission'
          : 'io';
    const detail = describeError(e);
    return new TraceWriteError(reason, `cannot ${doing} trace \`${file}\`: ${detail}`, file, { cause: e });
  }
}
