/**
 * Composition root: builds the services, registers them, owns them. No logic lives here.
 * Activation errors are shown to the user and rethrown, never swallowed.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Config } from './config';
import { SupervisorIdentity } from './identity';
import { initShellParser } from '../core/shell';
import { PolicyService } from './policyService';
import { registerPolicyCommands } from './policyCommands';
import { SessionController } from './sessionController';
import { registerSessionCommands } from './sessionCommands';
import { registerApprovalNotifications } from './approvalNotifications';
import { OUTPUT_CHANNEL } from './constants';
import { registerSupervisorViews } from './sidebar';
import { PolicyDecorations } from './decorations';
import { LedgerService } from './ledgerService';
import { ReviewPanels } from './review/reviewPanels';
import { registerMissionForm } from './missionForm/commands';
import { describeError } from '../core/common/errors';

/** What other extensions (and our integration tests) can reach. */
export interface AgentLaneApi {
  readonly policy: PolicyService;
  readonly sessions: SessionController;
  /** How long activate() took, for `npm run bench`. */
  readonly activationMs: number;
  /** The supervisor's surfaces, for automation and our integration tests (same paths as the UI). */
  readonly surfaces: {
    /** Send a message as the sidebar page would: validated and dispatched like a click. */
    sidebarMessage(raw: unknown): Promise<void>;
    decorations: PolicyDecorations;
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<AgentLaneApi> {
  const started = performance.now();
  try {
    // The shell parser's wasm (next to this bundle) takes ~30 ms to load: nothing at activation
    // needs it, so it loads in the background and a session start waits for it.
    const parser = initShellParser({ wasmDir: __dirname });
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
    const config = new Config();
    const policy = new PolicyService(root, config);
    const identity = new SupervisorIdentity(config, () => policy.workspaceRoot);
    const sessions = new SessionController(context, policy, output, config, identity);
    liveSessions = sessions;
    const views = registerSupervisorViews(context, sessions, policy, output);
    const decorations = new PolicyDecorations(policy, sessions);
    context.subscriptions.push(
      config, identity, output, policy, sessions,
      ...registerPolicyCommands(policy),
      ...registerSessionCommands(sessions, () => policy.workspaceRoot),
      registerApprovalNotifications(sessions, config),
      ...views.disposables,
      decorations,
      new ReviewPanels({ extensionUri: context.extensionUri, sessions, workspaceRoot: () => policy.workspaceRoot, output }),
      ...registerMissionForm({ extensionUri: context.extensionUri, policy, sessions, output }),
    );
    parser.catch((err: unknown) => output.error(`shell parser failed to load; every Bash call will be denied: ${String(err)}`));
    const ledger = new LedgerService(context.globalStorageUri.fsPath, output, config);
    context.subscriptions.push(ledger);
    // Reading and compiling the policy (cold YAML + zod) and starting the ledger sync happen right
    // after activation returns, so VS Code's startup never waits on them.
    setImmediate(() => {
      policy.reload();
      void ledger.restart();
      identity.warm();
    });
    const auto = config.autoStartSession;
    if (auto && root) {
      const mission = auto.missionFile ? path.resolve(root.fsPath, auto.missionFile) : undefined;
      void policy.whenLoaded().then(() => sessions.start(mission));
    }
    return {
      policy, sessions, activationMs: performance.now() - started,
      surfaces: { sidebarMessage: (raw) => views.sidebar.receive(raw), decorations },
    };
  } catch (err) {
    const reason = describeError(err);
    void vscode.window.showErrorMessage(`Agent Lane failed to start: ${reason}`);
    throw err;
  }
}

/** The live session controller, so deactivate can wait for the trace to be sealed. */
let liveSessions: SessionController | undefined;

export async function deactivate(): Promise<void> {
  // Everything else is owned by context.subscriptions; the session must end (trace sealed, box
  // emptied) before the extension host goes away, so this waits for it.
  await liveSessions?.shutdown();
  liveSessions = undefined;
}
