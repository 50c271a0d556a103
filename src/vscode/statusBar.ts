/**
 * The status bar item: mode · spend / cap while a session runs, the policy's mode (or that it
 * is invalid) otherwise. Drawn from `statusModel`; updated on session and policy events and on
 * the tracker's 1 s tick, which runs only while a session does. A click opens the sidebar.
 */
import * as vscode from 'vscode';
import { Views } from './constants';
import { Disposable } from './lifecycle';
import type { SessionTracker } from './sidebar/sessionTracker';
import { statusModel } from './sidebar/statusModel';

const BACKGROUND = {
  warning: new vscode.ThemeColor('statusBarItem.warningBackground'),
  error: new vscode.ThemeColor('statusBarItem.errorBackground'),
} as const;

export class AgentLaneStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('agentLane.status', vscode.StatusBarAlignment.Left, 50));
  private lastText = '';
  private lastTooltip = '';
  private lastBackground: string | undefined;

  constructor(private readonly tracker: SessionTracker) {
    super();
    this.item.name = 'Agent Lane';
    this.item.command = { title: 'Open Agent Lane', command: Views.focusSidebar };
    this._register(tracker.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private render(): void {
    const m = statusModel(this.tracker.state());
    // The tick fires every second: touch the item only when something visible changed.
    if (m.text === this.lastText && m.tooltip === this.lastTooltip && m.background === this.lastBackground) return;
    this.lastText = m.text;
    this.lastTooltip = m.tooltip;
    this.lastBackground = m.background;
    this.item.text = m.text;
    const tooltip = new vscode.MarkdownString(m.tooltip, true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: m.accessibilityLabel, role: 'button' };
    this.item.backgroundColor = m.background ? BACKGROUND[m.background] : undefined;
  }
}
