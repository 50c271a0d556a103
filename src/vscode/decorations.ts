/**
 * Explorer decorations: denied, protected (approval needed), outside the mission's write
 * scope, folders holding denied or protected paths, and files the agent changed in this
 * session: each with its own badge, theme colour and a tooltip naming the rule
 * (decorationModel.ts decides; this file talks to VS Code). Policy changes refresh everything
 * once; agent changes fire only the URIs that changed.
 *
 * Colour precedence: VS Code paints a path in the colour of the most recently registered
 * provider that gives one. The git extension registers its providers after start-up and when a
 * repository opens, so its grey for git-ignored files (`.env`, `secrets/`, exactly the paths a
 * policy denies) would hide the deny colour. We register again after git has done so.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { pathClassifier, type PathClassifier } from '../core/policy/pathClassifier';
import type { PolicyStack } from '../core/policy/loadFiles';
import { Disposable } from './lifecycle';
import type { PolicyService } from './policyService';
import type { SessionController } from './sessionController';
import { decorationFor, writtenFiles } from './decorationModel';
import { onGitProvidersRegistered } from './gitExtension';

export class PolicyDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this._onDidChange.event;
  private classifier: PathClassifier | undefined;
  private readonly changed = new Map<string, string>();
  private registration: vscode.Disposable | undefined;

  constructor(private readonly policy: PolicyService, private readonly sessions: SessionController) {
    super();
    this.registerFirst();
    this._register({ dispose: () => this.registration?.dispose() });
    this._register(onGitProvidersRegistered(() => this.registerFirst()));
    this._register(policy.onDidChange((stack) => this.rebuild(stack)));
    this._register(sessions.onDidChange(() => this.onSession()));
    this._register(sessions.onDidDecide((d) => {
      if (d.decision !== 'allow') return;
      const root = policy.workspaceRoot;
      const uris: vscode.Uri[] = [];
      for (const f of root ? writtenFiles(d, root) : []) {
        if (!this.changed.has(f)) {
          this.changed.set(f, `${d.tool} at ${new Date(d.ts).toLocaleTimeString()}`);
          uris.push(vscode.Uri.file(f));
        }
      }
      if (uris.length) this._onDidChange.fire(uris);
    }));
    if (policy.stack) this.rebuild(policy.stack);
  }

  /** (Re-)registers so this provider is the newest one: its colour wins over git's. */
  private registerFirst(): void {
    this.registration?.dispose();
    this.registration = vscode.window.registerFileDecorationProvider(this);
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

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const root = this.policy.workspaceRoot;
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(root, uri.fsPath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) return undefined;
    const spec = decorationFor(rel, this.classifier, this.changed.get(uri.fsPath));
    return spec && new vscode.FileDecoration(spec.badge, spec.tooltip, new vscode.ThemeColor(spec.color));
  }
}
