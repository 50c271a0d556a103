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
