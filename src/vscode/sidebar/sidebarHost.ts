/**
 * The sidebar's reach into VS Code and the session, behind the `SidebarHost` interface that
 * `dispatch` checks messages against. Every action that changes the session asks first
 * (freeze, stop, raise budget) or goes through the controller that does.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { SessionController } from '../sessionController';
import type { ApprovalChoice, DecisionFilter, HostMessage } from '../webview/protocol/sidebar';
import type { SidebarHost } from './dispatch';
import type { SessionTracker } from './sessionTracker';

export interface SidebarHostDeps {
  sessions: SessionController;
  tracker: SessionTracker;
  output: vscode.LogOutputChannel;
  post(message: HostMessage): void;
  sendSnapshot(): void;
  setFilter(filter: DecisionFilter): void;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

export function createSidebarHost(d: SidebarHostDeps): SidebarHost {
  const { sessions, tracker } = d;
  return {
    log: (message) => d.output.warn(message),
    post: d.post,
    sendSnapshot: d.sendSnapshot,
    setFilter: d.setFilter,
    hasSession: () => tracker.activeLane !== undefined,
    budget: () => {
      const lane = tracker.activeLane;
      if (!lane) return undefined;
      const snap = lane.meter.snapshot ?? lane.meter.refresh();
      return { cap: snap.usdCap, spent: snap.reading.usd };
    },
    pendingApprovals: () => tracker.activeLane?.broker.pendingApprovals ?? [],
    answerApproval: (id: string, choice: ApprovalChoice, reason: string | undefined) => {
      const by = sessions.supervisorName();
      if (choice === 'deny') sessions.answer(id, { kind: 'deny', by, reason: reason ?? 'denied by the supervisor' });
      else sessions.answer(id, { kind: choice, by });
    },
    reviewCommit: (id) => vscode.commands.executeCommand(Commands.reviewCommit, id),
    startSession: () => vscode.commands.executeCommand(Commands.startSession),
    freeze: () => sessions.freeze(),
    unfreeze: () => sessions.unfreeze(),
    stop: async () => {
      const pick = await vscode.window.showWarningMessage(
        'Stop the supervised session? The agent\'s terminal closes and the trace is sealed.', { modal: true }, 'Stop Session');
      if (pick === 'Stop Session') await sessions.stop();
    },
    ruleFiles: () => {
      const files = new Set<string>();
      for (const l of tracker.activeLane?.stack.layers ?? tracker.session?.lane.stack.layers ?? []) files.add(path.resolve(l.file));
      const stack = tracker.policyService.stack;
      for (const l of stack?.layers ?? []) files.add(path.resolve(l.file));
      if (stack) files.add(path.resolve(stack.workspaceFile));
      return [...files];
    },
    openFile: async (file, line) => {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
      const pos = new vscode.Position(Math.min(line, editor.document.lineCount) - 1, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    },
    raiseBudget: async (to) => {
      const lane = tracker.activeLane;
      if (!lane) return;
      const snap = lane.meter.snapshot ?? lane.meter.refresh();
      const from = snap.usdCap;
      const pick = await vscode.window.showWarningMessage(
        `Raise this session's budget ${from !== undefined ? `from ${usd(from)} ` : ''}to ${usd(to)}?`,
        { modal: true, detail: `Spent so far: ${usd(snap.reading.usd)}. The raise is recorded in the trace as yours and applies to this session only.` },
        'Raise Budget');
      if (pick !== 'Raise Budget') return;
      await lane.raiseBudget(sessions.supervisorName(), to);
      d.post({ type: 'toast', level: 'info', message: `budget raised to ${usd(to)}` });
    },
    createPolicy: () => vscode.commands.executeCommand(Commands.createPolicy),
    newMission: () => vscode.commands.executeCommand(Commands.newMission),
  };
}
