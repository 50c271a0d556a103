/**
 * Every `agentLane.*` setting through one typed object (after rust-analyzer's
 * `editors/code/src/config.ts`): getters parse the raw value with zod (settings are input from
 * outside, docs/ARCHITECTURE.md "Layers"), and `onDidChange` names the settings that changed, so
 * services restart only for their own keys. Machine-scoped settings read only the user (global)
 * value: a workspace cannot redirect its own evidence or loosen its own policy.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { Disposable } from './lifecycle';
import { Settings, type SettingKey } from './constants';

export interface ConfigChange {
  affects(key: SettingKey): boolean;
}

const trimmed = z.string().transform((s) => s.trim()).catch('');
const stringList = z.array(z.unknown()).transform((a) => a.filter((x): x is string => typeof x === 'string')).catch([]);
const autoStart = z.union([z.boolean(), z.string()]).catch(false);

export class Config extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<ConfigChange>());
  readonly onDidChange = this._onDidChange.event;

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(Settings.section)) return;
      this._onDidChange.fire({ affects: (key) => e.affectsConfiguration(`${Settings.section}.${key}`) });
    }));
  }

  /** The organisation-managed policy file, or undefined for the platform default. */
  get managedPolicyFile(): string | undefined {
    return trimmed.parse(this.machine(Settings.managedPolicyFile) ?? '') || undefined;
  }

  get agentCommand(): string {
    return trimmed.parse(this.section().get(Settings.agentCommand)) || 'claude';
  }

  /**
   * Which adapter supervises the agent command: `auto` recognises it from the command. Machine-
   * scoped like the command itself, so a repository cannot swap the hooks around its agent.
   */
  get agentKind(): string {
    return trimmed.parse(this.section().get(Settings.agentKind, 'auto')) || 'auto';
  }

  /** Extra arguments for the agent command, kept as a list so prompts with spaces survive. */
  get agentArgs(): string[] {
    return stringList.parse(this.section().get(Settings.agentArgs, []));
  }

  /** `false`, `true` (no mission) or a mission file relative to the workspace. */
  get autoStartSession(): { missionFile?: string } | undefined {
    const v = autoStart.parse(this.section().get(Settings.autoStartSession, false));
    if (v === true) return {};
    if (typeof v === 'string' && v.trim()) return { missionFile: v.trim() };
    return undefined;
  }

  /** The supervisor as configured; empty name: ask git (see SupervisorIdentity). */
  get supervisor(): { name: string; email: string } {
    return { name: trimmed.parse(this.machine(Settings.supervisorName) ?? ''), email: trimmed.parse(this.machine(Settings.supervisorEmail) ?? '') };
  }

  get approvalNotifications(): boolean {
    return z.boolean().catch(true).parse(this.section().get(Settings.approvalNotifications, true));
  }

  /** Where traces are synced; empty: the caller's default directory. */
  get ledgerUrl(): string {
    return trimmed.parse(this.machine(Settings.ledgerUrl) ?? '');
  }

  /** Budget price overrides as written (validated where they are merged, core/budget/prices.ts). */
  get priceOverrides(): unknown {
    return this.machine(Settings.prices) ?? {};
  }

  private section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(Settings.section);
  }

  /** The user-level value only; a stale workspace settings file cannot override a machine setting. */
  private machine(key: SettingKey): unknown {
    return this.section().inspect(key)?.globalValue;
  }
}
