/** Commands over the policy file: open, create from the template, reload, and "Why?" for a path. */
import * as vscode from 'vscode';
import { WORKSPACE_POLICY } from '../core/policy/managedPaths';
import { evaluate } from '../core/policy/evaluate';
import { makeGlobExpander, realpathOf } from '../core/policy/fsContext';
import { Commands } from './constants';
import type { PolicyService } from './policyService';
import { POLICY_TEMPLATE } from './policyTemplate';

export function registerPolicyCommands(policy: PolicyService): vscode.Disposable[] {
  const policyUri = (): vscode.Uri | undefined => {
    const root = policy.workspaceRoot;
    return root ? vscode.Uri.joinPath(vscode.Uri.file(root), WORKSPACE_POLICY) : undefined;
  };
  return [
    vscode.commands.registerCommand(Commands.openPolicy, async (line?: number) => {
      const uri = policyUri();
      if (!uri) return void vscode.window.showWarningMessage('Agent Lane: open a folder first.');
      const editor = await vscode.window.showTextDocument(uri);
      if (typeof line === 'number' && line > 0) {
        const pos = new vscode.Position(line - 1, 0);
        editor.selection = new vscode.Selection(pos, pos);
        editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
      }
    }),
    vscode.commands.registerCommand(Commands.createPolicy, async () => {
      const uri = policyUri();
      if (!uri) return void vscode.window.showWarningMessage('Agent Lane: open a folder first.');
      try {
        await vscode.workspace.fs.stat(uri);
        await vscode.window.showTextDocument(uri);
        return;
      } catch {
        // Not there yet: write the template.
      }
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(POLICY_TEMPLATE));
      policy.reload();
      await vscode.window.showTextDocument(uri);
    }),
    vscode.commands.registerCommand(Commands.reloadPolicy, () => {
      const stack = policy.reload();
      if (stack?.problems.length) void vscode.window.showErrorMessage(`Agent Lane: the policy has ${stack.problems.length} problem(s); every agent action is denied until they are fixed.`);
    }),
    vscode.commands.registerCommand(Commands.explainPath, async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      const stack = policy.stack;
      const root = policy.workspaceRoot;
      if (!target || !stack || !root) return;
      const ctx = { workspaceRoot: root, realpath: realpathOf, expandGlob: makeGlobExpander() };
      const read = evaluate({ tool: 'Read', input: { file_path: target.fsPath } }, stack.policy, ctx);
      const write = evaluate({ tool: 'Write', input: { file_path: target.fsPath, content: '' } }, stack.policy, ctx);
      const lines = [`read: ${read.decision} — ${read.reasons[0]?.message ?? ''}`, `write: ${write.decision} — ${write.reasons[0]?.message ?? ''}`];
      const firstLine = [...write.reasons, ...read.reasons].find((r) => r.line && r.layer === 'workspace')?.line;
      const open = firstLine ? 'Open Rule' : undefined;
      const pick = await vscode.window.showInformationMessage(`Agent Lane: ${vscode.workspace.asRelativePath(target)}`, { modal: false, detail: lines.join('\n') }, ...(open ? [open] : []));
      if (pick === open && firstLine) await vscode.commands.executeCommand(Commands.openPolicy, firstLine);
    }),
  ];
}
