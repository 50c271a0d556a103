/**
 * Composition root: builds the services, registers them, owns them. No logic lives here.
 * Activation errors are shown to the user and rethrown, never swallowed.
 */
import * as vscode from 'vscode';
import { initShellParser } from '../core/shell';
import { PolicyService } from './policyService';
import { registerPolicyCommands } from './policyCommands';

export interface AgentLaneApi {
  readonly policy: PolicyService;
}

export async function activate(context: vscode.ExtensionContext): Promise<AgentLaneApi> {
  try {
    // The parser's wasm ships next to this bundle (esbuild.mjs copies it into dist/).
    await initShellParser({ wasmDir: __dirname });
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const policy = new PolicyService(root);
    context.subscriptions.push(policy, ...registerPolicyCommands(policy));
    policy.reload();
    return { policy };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Agent Lane failed to start: ${reason}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
