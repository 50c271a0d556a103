/** Typed getters over the `agentLane.*` settings. */
import * as vscode from 'vscode';
import { Settings } from './constants';

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/**
 * The managed policy file. Machine-scoped in the manifest, so a workspace cannot point it
 * elsewhere; `inspect` lets us ignore any workspace value a stale settings file may hold.
 */
export function managedPolicyFile(): string | undefined {
  const v = section().inspect<string>(Settings.managedPolicyFile);
  const value = v?.globalValue ?? v?.defaultValue;
  return value && value.trim() ? value.trim() : undefined;
}

export function agentCommand(): string {
  return section().get<string>(Settings.agentCommand, 'claude') || 'claude';
}

/**
 * Which adapter supervises the agent command: `auto` recognises it from the command. Machine-
 * overridable like the command itself, so a repository cannot swap the hooks around its agent.
 */
export function agentKind(): string {
  return section().get<string>(Settings.agentKind, 'auto') || 'auto';
}

/** Extra arguments for the agent command, kept as a list so prompts with spaces survive. */
export function agentArgs(): string[] {
  const v = section().get<unknown>('agent.args', []);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Start a supervised session as soon as the workspace opens: `false`, `true` (no mission),
 * or a mission file relative to the workspace. For teams where every agent run is supervised.
 */
export function autoStartSession(): { missionFile?: string } | undefined {
  const v = section().get<unknown>('autoStartSession', false);
  if (v === true) return {};
  if (typeof v === 'string' && v.trim()) return { missionFile: v.trim() };
  return undefined;
}
