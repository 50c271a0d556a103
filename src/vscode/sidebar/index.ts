/** The supervisor's surfaces that watch the session: the sidebar view and the status bar item. */
import type * as vscode from 'vscode';
import type { PolicyService } from '../policyService';
import type { SessionController } from '../sessionController';
import { AgentLaneStatusBar } from '../statusBar';
import { SessionTracker } from './sessionTracker';
import { registerSidebar } from './sidebarProvider';

export function registerSupervisorViews(
  context: vscode.ExtensionContext, sessions: SessionController, policy: PolicyService, output: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const tracker = new SessionTracker(sessions, policy, output);
  // Disposed in reverse: views first, then the tracker they listen to.
  return [tracker, new AgentLaneStatusBar(tracker), ...registerSidebar(context, sessions, tracker, output)];
}
