/**
 * One webview panel per commit acknowledgement: the staged diff the agent wants to commit,
 * flagged by rule, with Acknowledge / Request changes. The panel re-reads the index and only
 * offers Acknowledge while it still holds the tree the agent asked about.
 */
import * as vscode from 'vscode';
import type { PendingApproval } from '../../core/session/types';
import { GitError } from '../../core/git/errors';
import { runGit } from '../../core/git/exec';
import { diffHash, treeDiff } from '../../core/git/staged';
import type { SessionController } from '../sessionController';
import { Disposable } from '../lifecycle';
import { renderPage, webviewOptions } from '../webview/html';
import type { ReviewHostMessage, ReviewModel, ReviewStatus } from '../webview/protocol/review';
import { dispatchReviewMessage } from './dispatch';
import { buildReviewModel, staleReason } from './model';
import { splitLines } from './diffRows';
import { describeError } from '../../core/common/errors';

export const REVIEW_VIEW_TYPE = 'agentLane.review';
const MAX_EXPANDABLE_BYTES = 512 * 1024;

export interface ReviewPanelDeps {
  extensionUri: vscode.Uri;
  sessions: SessionController;
  workspaceRoot: () => string | undefined;
  output: vscode.LogOutputChannel;
  /** When the previous commit of this session was asked for (decisions are listed after it). */
  since: (approval: PendingApproval) => string | undefined;
}

export class ReviewPanel extends Disposable {
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private readonly panel: vscode.WebviewPanel;
  private model: ReviewModel | undefined;
  private status: ReviewStatus = { state: 'pending' };
  private disposed = false;

  constructor(private readonly approval: PendingApproval, private readonly deps: ReviewPanelDeps) {
    super();
    const message = approval.commit?.message?.split('\n')[0];
    this.panel = vscode.window.createWebviewPanel(REVIEW_VIEW_TYPE, message ? `Review: ${message}` : 'Review commit',
      vscode.ViewColumn.Active, { ...webviewOptions(deps.extensionUri) });
    this.panel.webview.html = renderPage({
      webview: this.panel.webview, extensionUri: deps.extensionUri, title: 'Review commit',
      script: 'review', styles: ['base.css', 'review.css'],
    });
    this._register(this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this._register(deps.sessions.onDidChange(() => this.checkPending()));
  }

  get approvalId(): string {
    return this.approval.id;
  }

  get currentStatus(): ReviewStatus {
    return this.status;
  }

  reveal(): void {
    this.panel.reveal();
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this._onDidDispose.fire();
    this.panel.dispose();
    super.dispose();
  }

  private pendingCommitIds(): Set<string> {
    const pending = this.deps.sessions.active?.lane.broker.pendingApprovals ?? [];
    return new Set(pending.filter((a) => a.kind === 'commit').map((a) => a.id));
  }

  /** A message from the page, validated like every other (also the entry for automation and tests). */
  async receive(raw: unknown): Promise<void> {
    // An acknowledgement is only valid against a checked diff: check it first if we have not yet.
    if (!this.model) await this.load();
    const cmd = dispatchReviewMessage(raw, {
      approvalId: this.approval.id,
      pendingCommitIds: this.pendingCommitIds(),
      canAcknowledge: this.model !== undefined && !this.model.staleReason,
      supervisor: this.deps.sessions.supervisorName(),
    });
    switch (cmd.kind) {
      case 'rejected':
        this.deps.output.warn(`review panel: ignored a message: ${cmd.reason}`);
        this.checkPending();
        if (this.status.state === 'pending' && this.model) this.post({ type: 'model', model: this.model, status: this.status });
        return;
      case 'ready':
        if (this.model) this.post({ type: 'model', model: this.model, status: this.status });
        await this.load();
        return;
      case 'refresh':
        await this.load();
        return;
      case 'answer':
        try {
          this.deps.sessions.answer(cmd.approvalId, cmd.answer);
        } catch (err) {
          const reason = describeError(err);
          this.setStatus({ state: 'gone', message: reason });
          return;
        }
        this.setStatus(cmd.answer.kind === 'deny'
          ? { state: 'answered', outcome: 'changes-requested', by: cmd.answer.by, text: cmd.answer.reason }
          : { state: 'answered', outcome: 'acknowledged', by: cmd.answer.by, text: cmd.answer.kind === 'allow-once' ? cmd.answer.note : undefined });
        return;
    }
  }

  /** Reads the index and the staged diff and sends the page its model. */
  async load(): Promise<void> {
    const root = this.deps.workspaceRoot();
    const session = this.deps.sessions.active;
    const commit = this.approval.commit;
    if (!root || !session || !commit) {
      this.checkPending();
      return;
    }
    this.post({ type: 'loading', approvalId: this.approval.id });
    try {
      // The pinned tree, not the live index: during `git commit` the index is locked or temporary.
      const diff = await treeDiff(root, commit.tree);
      const tree = commit.tree;
      const contents = new Map<string, string[]>();
      await Promise.all(commit.files.filter((f) => f.status === 'M').map(async (f) => {
        const blob = await runGit(root, ['cat-file', 'blob', `${commit.tree}:${f.path}`]).catch(() => undefined);
        if (blob && blob.length <= MAX_EXPANDABLE_BYTES && !blob.includes(0)) contents.set(f.path, splitLines(blob.toString('utf8')));
      }));
      this.model = buildReviewModel({
        approval: this.approval,
        diffText: diff.toString('utf8'),
        staleReason: staleReason(commit, { tree, diffHash: diffHash(diff) }),
        policy: session.lane.broker.policy,
        ctx: { workspaceRoot: root },
        decisions: session.lane.broker.decisions,
        since: this.deps.since(this.approval),
        supervisor: this.deps.sessions.supervisorName(),
        contents,
      });
      this.checkPending();
      this.post({ type: 'model', model: this.model, status: this.status });
    } catch (err) {
      const reason = GitError.is(err) ? `${err.message} [${err.reason}]` : describeError(err);
      this.deps.output.error(`review panel: cannot read the staged diff: ${reason}`);
      this.post({ type: 'error', message: `cannot read the staged diff: ${reason}` });
    }
  }

  /** The approval may stop being pending at any time: answered elsewhere, timed out, frozen, ended. */
  checkPending(): void {
    if (this.status.state !== 'pending') return;
    if (this.pendingCommitIds().has(this.approval.id)) return;
    const session = this.deps.sessions.active;
    const message = !session
      ? 'the session ended: this commit is no longer waiting for acknowledgement'
      : session.lane.broker.state === 'frozen'
        ? `the session is frozen (${session.lane.broker.frozenBecause ?? 'kill switch'}): the commit was denied`
        : 'this commit is no longer waiting: it was answered elsewhere or timed out';
    this.setStatus({ state: 'gone', message });
  }

  private setStatus(status: ReviewStatus): void {
    this.status = status;
    this.post({ type: 'status', status });
  }

  private post(m: ReviewHostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }
}
