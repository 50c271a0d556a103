/**
 * Composition root: builds the services, registers them, owns them. No logic lives here.
 * Activation errors are shown to the user and rethrown, never swallowed.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { autoStartSession } from './config';
import { initShellParser } from '../core/shell';
import { PolicyService } from './policyService';
import { registerPolicyCommands } from './policyCommands';
import { SessionController } from './sessionController';
import { registerSessionCommands } from './sessionCommands';
import { registerApprovalNotifications } from './approvalNotifications';
import { OUTPUT_CHANNEL } from './constants';
import { registerSupervisorViews } from './sidebar';
import { PolicyDecorations } from './decorations';

/** What other extensions (and our integration tests) can reach. */
export interface AgentLaneApi {
  readonly policy: PolicyService;
  readonly sessions: SessionController;
}

export async function activate(context: vscode.ExtensionContext): Promise<AgentLaneApi> {
  try {
    // The parser's wasm ships next to this bundle (esbuild.mjs copies it into dist/).
    await initShellParser({ wasmDir: __dirname });
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
    const policy = new PolicyService(root);
    const sessions = new SessionController(context, policy, output);
    context.subscriptions.push(
      output, policy, sessions,
      ...registerPolicyCommands(policy),
      ...registerSessionCommands(sessions, () => policy.workspaceRoot),
      registerApprovalNotifications(sessions),
      ...registerSupervisorViews(context, sessions, policy, output),
      new PolicyDecorations(policy, sessions),
    );
    policy.reload();
    const auto = autoStartSession();
    if (auto && root) {
      const mission = auto.missionFile ? path.resolve(root.fsPath, auto.missionFile) : undefined;
      void sessions.start(mission);
    }
    return { policy, sessions };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Agent Lane failed to start: ${reason}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
