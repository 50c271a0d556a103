/**
 * Page → host messages of the review panel, parsed and checked before anything acts on them:
 * the shape (zod), then that an answer names the approval this panel shows and that it is
 * still pending. Pure, so hostile messages are unit-tested.
 */
import { ReviewPageMessage } from '../webview/protocol/review';
import type { ApprovalAnswer } from '../../core/session/types';

export type ReviewCommand =
  | { kind: 'ready' }
  | { kind: 'refresh' }
  | { kind: 'answer'; approvalId: string; answer: ApprovalAnswer }
  | { kind: 'rejected'; reason: string };

export interface DispatchContext {
  /** The approval this panel shows. */
  approvalId: string;
  /** Ids of the commit approvals pending right now. */
  pendingCommitIds: ReadonlySet<string>;
  /** False when the index no longer holds the tree the agent asked about. */
  canAcknowledge: boolean;
  supervisor: string;
}

export function dispatchReviewMessage(raw: unknown, ctx: DispatchContext): ReviewCommand {
  const parsed = ReviewPageMessage.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'rejected', reason: `invalid review message: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown shape'}` };
  }
  const m = parsed.data;
  switch (m.type) {
    case 'ready':
      return { kind: 'ready' };
    case 'refresh':
      return { kind: 'refresh' };
    case 'acknowledge':
    case 'requestChanges': {
      if (m.approvalId !== ctx.approvalId) return { kind: 'rejected', reason: `approval \`${m.approvalId}\` is not the one this panel shows` };
      if (!ctx.pendingCommitIds.has(m.approvalId)) return { kind: 'rejected', reason: `approval \`${m.approvalId}\` is not a pending commit acknowledgement` };
      if (m.type === 'acknowledge') {
        if (!ctx.canAcknowledge) return { kind: 'rejected', reason: 'the index changed since the agent asked: acknowledgement is disabled' };
        const note = m.note?.trim();
        return { kind: 'answer', approvalId: m.approvalId, answer: { kind: 'allow-once', by: ctx.supervisor, ...(note ? { note } : {}) } };
      }
      return { kind: 'answer', approvalId: m.approvalId, answer: { kind: 'deny', by: ctx.supervisor, reason: m.reason.trim() } };
    }
  }
}
