/**
 * Explorer decorations: denied, protected (approval needed), outside the mission's write
 * scope, and files the agent changed in this session — each with its own badge, theme colour
 * and a tooltip naming the rule. Policy changes refresh everything once; agent changes fire
 * only the URIs that changed.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { pathClassifier, type PathClassifier, type PathClass } from '../core/policy/pathClassifier';
import type { PolicyStack } from '../core/policy/loadFiles';
import { Disposable } from './lifecycle';
import type { PolicyService } from './policyService';
import type { SessionController } from './sessionController';

const STYLE: Record<PathClass | 'changed', { badge: string; color: string; label: string }> = {
  denied: { badge: '⊘', color: 'agentLane.deniedForeground', label: 'Denied to the agent' },
  protected: { badge: '◆', color: 'agentLane.protectedForeground', label: 'Protected: agent writes need approval' },
  outsideScope: { badge: '○', color: 'agentLane.outsideScopeForeground', label: "Outside the mission's write scope" },
  changed: { badge: 'A', color: 'agentLane.agentChangedForeground', label: 'Changed by the agent in this session' },
};

export class PolicyDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this._onDidChange.event;
  private classifier: PathClassifier | undefined;
  private readonly changed = new Map<string, string>();

  constructor(private readonly policy: PolicyService, private readonly sessions: SessionController) {
    super();
    this._register(vscode.window.registerFileDecorationProvider(this));
    this._register(policy.onDidChange((stack) => this.rebuild(stack)));
    this._register(sessions.onDidChange(() => this.onSession()));
    this._register(sessions.onDidDecide((d) => {
      if (d.decision !== 'allow') return;
      const root = policy.workspaceRoot;
      const files = d.reasons.length && root ? this.writtenFiles(d.tool, d.summary, root) : [];
      const uris: vscode.Uri[] = [];
      for (const f of files) {
        if (!this.changed.has(f)) {
          this.changed.set(f, `${d.tool} at ${new Date(d.ts).toLocaleTimeString()}`);
          uris.push(vscode.Uri.file(f));
        }
      }
      if (uris.length) this._onDidChange.fire(uris);
    }));
    if (policy.stack) this.rebuild(policy.stack);
  }

  private lastSessionId: string | undefined;
  private onSession(): void {
    const id = this.sessions.active?.lane.sessionId;
    if (id === this.lastSessionId) return;
    this.lastSessionId = id;
    // A mission session brings its own scope; a new session starts with no agent changes.
    const previous = [...this.changed.keys()].map((f) => vscode.Uri.file(f));
    this.changed.clear();
    const stack = this.sessions.active?.lane.stack ?? this.policy.stack;
    if (stack) this.rebuild(stack);
    else if (previous.length) this._onDidChange.fire(previous);
  }

  /** A policy or session change can move any path: ask the Explorer to re-query what it shows. */
  private rebuild(stack: PolicyStack): void {
    const effective = this.sessions.active?.lane.stack ?? stack;
    this.classifier = effective.problems.length ? undefined : pathClassifier(effective.policy);
    this._onDidChange.fire(undefined);
  }

  /** Write/Edit summaries are paths; Bash writes are too uncertain to badge. */
  private writtenFiles(tool: string, summary: string, root: string): string[] {
    if (!['Write', 'Edit', 'MultiEdit', 'NotebookEdit'].includes(tool)) return [];
    return summary.split(', ').map((p) => path.resolve(root, p));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const root = this.policy.workspaceRoot;
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(root, uri.fsPath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) return undefined;
    const changedWhen = this.changed.get(uri.fsPath);
    const verdict = this.classifier?.classify(rel);
    if (!verdict && !changedWhen) return undefined;
    const style = verdict ? STYLE[verdict.kind] : STYLE.changed;
    const lines: string[] = [];
    if (verdict) {
      const where = verdict.rule.line ? `${path.basename(verdict.rule.file)}:${verdict.rule.line}` : verdict.rule.file;
      lines.push(`${style.label} — ${verdict.rule.layer} ${verdict.rule.key} \`${verdict.pattern}\` (${where})`);
    }
    if (changedWhen) lines.push(`${STYLE.changed.label} (${changedWhen})`);
    return new vscode.FileDecoration(changedWhen && !verdict ? STYLE.changed.badge : style.badge, lines.join('\n'), new vscode.ThemeColor(style.color));
  }
}
