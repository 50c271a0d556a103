/**
 * Approvals as notifications: Allow once / Allow for session / Deny (with a reason). The
 * sidebar shows the same approvals as cards; whichever surface answers first wins, the other
 * finds the approval no longer pending.
 */
import * as vscode from 'vscode';
import { ApprovalError } from '../core/session/approvals';
import type { PendingApproval } from '../core/session/types';
import type { SessionController } from './sessionController';
import type { Config } from './config';

export function registerApprovalNotifications(sessions: SessionController, config: Config): vscode.Disposable {
  return sessions.onDidRequestApproval((a) => void ask(sessions, config, a));
}

async function ask(sessions: SessionController, config: Config, a: PendingApproval): Promise<void> {
  if (!config.approvalNotifications) return;
  const why = a.reasons[0]?.message ?? 'the policy asks for approval';
  const isCommit = a.kind === 'commit';
  const options = isCommit ? ['Review…', 'Acknowledge', 'Request Changes'] : ['Allow Once', 'Allow for Session', 'Deny…'];
  const pick = await vscode.window.showWarningMessage(
    isCommit ? `Agent Lane: commit waiting for acknowledgement — ${a.summary}` : `Agent Lane: ${a.tool} needs approval — ${a.summary}`,
    { detail: why }, ...options);
  if (!pick) return;
  const by = sessions.supervisorName();
  try {
    if (pick === 'Review…') {
      await vscode.commands.executeCommand('agentLane.reviewCommit', a.id);
    } else if (pick === 'Allow Once' || pick === 'Acknowledge') {
      sessions.answer(a.id, { kind: 'allow-once', by });
    } else if (pick === 'Allow for Session') {
      sessions.answer(a.id, { kind: 'allow-session', by });
    } else {
      const reason = await vscode.window.showInputBox({
        title: isCommit ? 'Request changes' : 'Deny',
        prompt: 'The reason goes back to the agent',
        validateInput: (v) => (v.trim() ? undefined : 'a reason helps the agent do better'),
      });
      if (reason === undefined) return;
      sessions.answer(a.id, { kind: 'deny', by, reason: reason.trim() });
    }
  } catch (err) {
    if (ApprovalError.is(err)) void vscode.window.showInformationMessage(`Agent Lane: ${err.message}`);
    else throw err;
  }
}
