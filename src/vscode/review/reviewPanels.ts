/**
 * Opens a review panel when a commit acknowledgement arrives, and on `agentLane.reviewCommit
 * [approvalId]` (no id: the oldest pending commit). One panel per approval; a second request
 * for the same approval reveals it.
 */
import * as vscode from 'vscode';
import type { PendingApproval } from '../../core/session/types';
import type { SessionController } from '../sessionController';
import { Commands } from '../constants';
import { Disposable } from '../lifecycle';
import { ReviewPanel } from './reviewPanel';

export interface ReviewPanelsDeps {
  extensionUri: vscode.Uri;
  sessions: SessionController;
  workspaceRoot: () => string | undefined;
  output: vscode.LogOutputChannel;
}

export class ReviewPanels extends Disposable {
  private readonly panels = new Map<string, ReviewPanel>();
  /** Commit approvals seen per session, oldest first: "decisions since the last commit". */
  private readonly commitRequests = new Map<string, Array<{ id: string; at: string }>>();

  constructor(private readonly deps: ReviewPanelsDeps) {
    super();
    this._register(deps.sessions.onDidRequestApproval((a) => {
      if (a.kind !== 'commit') return;
      this.remember(a);
      this.open(a);
    }));
    this._register(vscode.commands.registerCommand(Commands.reviewCommit, (id?: unknown) => this.openById(typeof id === 'string' ? id : undefined)));
    this._register({ dispose: () => { for (const p of [...this.panels.values()]) p.dispose(); } });
  }

  /** The panel for an approval, if open (integration tests). */
  panelFor(approvalId: string): ReviewPanel | undefined {
    return this.panels.get(approvalId);
  }

  async openById(approvalId: string | undefined): Promise<ReviewPanel | undefined> {
    const pending = (this.deps.sessions.active?.lane.broker.pendingApprovals ?? []).filter((a) => a.kind === 'commit');
    const approval = approvalId === undefined
      ? [...pending].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))[0]
      : pending.find((a) => a.id === approvalId);
    if (!approval) {
      void vscode.window.showInformationMessage(approvalId === undefined
        ? 'Agent Lane: no commit is waiting for acknowledgement.'
        : `Agent Lane: approval \`${approvalId}\` is not a pending commit acknowledgement.`);
      return undefined;
    }
    this.remember(approval);
    return this.open(approval);
  }

  private open(approval: PendingApproval): ReviewPanel {
    const existing = this.panels.get(approval.id);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = new ReviewPanel(approval, { ...this.deps, since: (a) => this.previousCommitTime(a) });
    this.panels.set(approval.id, panel);
    panel.onDidDispose(() => this.panels.delete(approval.id));
    return panel;
  }

  private remember(a: PendingApproval): void {
    const sessionId = this.deps.sessions.active?.lane.sessionId;
    if (!sessionId) return;
    const list = this.commitRequests.get(sessionId) ?? [];
    if (!list.some((x) => x.id === a.id)) list.push({ id: a.id, at: a.requestedAt });
    this.commitRequests.set(sessionId, list);
  }

  private previousCommitTime(a: PendingApproval): string | undefined {
    const sessionId = this.deps.sessions.active?.lane.sessionId;
    const list = sessionId ? this.commitRequests.get(sessionId) ?? [] : [];
    const earlier = list.filter((x) => x.id !== a.id && x.at < a.requestedAt).map((x) => x.at).sort();
    return earlier[earlier.length - 1];
  }
}
