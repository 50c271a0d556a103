/** The supervisor's surfaces that watch the session: the sidebar view and the status bar item. */
import type * as vscode from 'vscode';
import type { PolicyService } from '../policyService';
import type { SessionController } from '../sessionController';
import { AgentLaneStatusBar } from '../statusBar';
import { SessionTracker } from './sessionTracker';
import { registerSidebar, type SidebarProvider } from './sidebarProvider';

export function registerSupervisorViews(
  context: vscode.ExtensionContext, sessions: SessionController, policy: PolicyService, output: vscode.LogOutputChannel,
): { sidebar: SidebarProvider; disposables: vscode.Disposable[] } {
  const tracker = new SessionTracker(sessions, policy, output);
  const sidebar = registerSidebar(context, sessions, tracker, output);
  // Disposed in reverse: views first, then the tracker they listen to.
  return { sidebar: sidebar.provider, disposables: [tracker, new AgentLaneStatusBar(tracker), ...sidebar.disposables] };
}
