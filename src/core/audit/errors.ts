import { AgentLaneError } from '../common/errors';

/** Errors of the audit commands: each carries a reason a script can branch on and a person can act on. */
export type AuditErrorReason =
  | 'not-found'        // a trace file or directory the auditor named does not exist
  | 'unreadable'       // it exists but cannot be read
  | 'no-traces'        // nothing to verify, export or report
  | 'no-match'         // the selection (--session/--mission/--since) matched no session
  | 'out-not-empty'    // export refuses to mix a bundle into existing files
  | 'bad-date'         // --since / --until / --date is not a date
  | 'unsupported-ledger'; // a ledger URL scheme this build cannot read back

export class AuditError extends AgentLaneError<AuditErrorReason> {}
