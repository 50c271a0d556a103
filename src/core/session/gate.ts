/**
 * The session's say over a decision the policy reached, as a pure function of the session's
 * status: table-tested, and the same before an approval and after it (the session may have been
 * frozen or ended while a human was deciding).
 *
 *   ended             → deny, whatever the policy said
 *   frozen            → reads stay as the policy decided; everything else is denied
 *   starting          → deny (the trace is not open yet)
 *   running           → the policy's decision stands
 */
import type { Decision, Reason } from '../policy/types';
import type { SessionStatus } from './types';

export interface GateInput {
  status: SessionStatus;
  decision: Decision;
  /** Every action of the call only reads. */
  readOnly: boolean;
  /** Checked after a human answered: an approval does not outlive a freeze. */
  afterApproval?: boolean;
}

/** An override of the policy's decision, or undefined when the decision stands. */
export function sessionGate(i: GateInput): { decision: 'deny'; reason: Reason } | undefined {
  const s = i.status;
  switch (s.state) {
    case 'running':
      return undefined;
    case 'starting':
      return deny('session.starting', 'the supervised session has not started yet');
    case 'ended':
      return deny('session.ended', i.afterApproval ? `the session ended while the approval was pending: ${s.reason}` : 'the supervised session has ended');
    case 'frozen':
      // Reads stay as the policy decided them (a denied read keeps its own rule); every write,
      // command, network and MCP call is the kill switch's.
      if (i.readOnly) return undefined;
      return deny('session.frozen', i.afterApproval
        ? `session is frozen since the approval was requested: ${s.reason}`
        : `session is frozen: ${s.reason}; only reads are allowed`);
    default:
      return assertNever(s);
  }
}

export function sessionReason(rule: string, message: string): Reason {
  return { decision: 'deny', rule, layer: 'session', message };
}

function deny(rule: string, message: string): { decision: 'deny'; reason: Reason } {
  return { decision: 'deny', reason: sessionReason(rule, message) };
}

function assertNever(x: never): never {
  throw new Error(`unhandled session status ${JSON.stringify(x)}`);
}
