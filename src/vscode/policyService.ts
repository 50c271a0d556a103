/**
 * Loads the policy stack for the workspace, keeps it current as files change, and shows
 * every load problem as a diagnostic on the file and line that caused it.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadPolicyStack, type PolicyStack } from '../core/policy/loadFiles';
import { WORKSPACE_POLICY } from '../core/policy/managedPaths';
import type { PolicyProblem } from '../core/policy/errors';
import { Disposable } from './lifecycle';
import { DIAGNOSTIC_COLLECTION } from './constants';
import type { Config } from './config';

export class PolicyService extends Disposable {
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION));
  private readonly _onDidChange = this._register(new vscode.EventEmitter<PolicyStack>());
  readonly onDidChange = this._onDidChange.event;
  private current: PolicyStack | undefined;
  private firstLoad: { promise: Promise<PolicyStack | undefined>; resolve: (s: PolicyStack | undefined) => void };

  constructor(private readonly root: vscode.Uri | undefined, private readonly config: Config) {
    super();
    let resolve!: (s: PolicyStack | undefined) => void;
    this.firstLoad = { promise: new Promise((r) => { resolve = r; }), resolve };
    if (root) {
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, WORKSPACE_POLICY)));
      this._register(watcher.onDidChange(() => this.reload()));
      this._register(watcher.onDidCreate(() => this.reload()));
      this._register(watcher.onDidDelete(() => this.reload()));
    }
    this._register(config.onDidChange((c) => {
      if (c.affects('managedPolicyFile')) this.reload();
    }));
  }

  get stack(): PolicyStack | undefined {
    return this.current;
  }

  /** The managed policy file named by the machine setting, or undefined for the platform default. */
  get managedFile(): string | undefined {
    return this.config.managedPolicyFile;
  }

  get workspaceRoot(): string | undefined {
    return this.root?.fsPath;
  }

  /** Resolves once the policy has been read for the first time (activation defers it). */
  whenLoaded(): Promise<PolicyStack | undefined> {
    return this.firstLoad.promise;
  }

  reload(): PolicyStack | undefined {
    if (!this.root) {
      this.firstLoad.resolve(undefined);
      return undefined;
    }
    const stack = loadPolicyStack({ workspaceRoot: this.root.fsPath, managedFile: this.config.managedPolicyFile });
    this.current = stack;
    this.publish(stack.problems);
    this._onDidChange.fire(stack);
    this.firstLoad.resolve(stack);
    return stack;
  }

  private publish(problems: PolicyProblem[]): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const line = Math.max(0, p.line - 1);
      const col = Math.max(0, p.column - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + Math.max(1, lastKey(p.path).length)),
        `${p.message}${p.path ? ` (at ${p.path})` : ''} — every agent action is denied until this is fixed`,
        vscode.DiagnosticSeverity.Error);
      d.source = 'Agent Lane';
      d.code = 'policy';
      const list = byFile.get(p.file) ?? [];
      list.push(d);
      byFile.set(p.file, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(path.resolve(file)), list);
  }
}

function lastKey(keyPath: string): string {
  const m = /([^.[\]]+)\]?$/.exec(keyPath);
  return m ? m[1] : '';
}
