/** The supervisor's identity in VS Code: settings first, then git's user, then nothing. */
import * as vscode from 'vscode';
import { supervisorFromGit } from '../cli/identity';
import type { Supervisor } from '../core/trace/schema';

export function supervisorIdentity(root: string): Supervisor | null {
  const cfg = vscode.workspace.getConfiguration('agentLane');
  const name = cfg.get<string>('supervisor.name', '').trim();
  const email = cfg.get<string>('supervisor.email', '').trim();
  if (name) return { name, email };
  return supervisorFromGit(root);
}

export function formatPerson(p: Supervisor | null): string {
  if (!p) return 'unknown supervisor';
  return p.email ? `${p.name} <${p.email}>` : p.name;
}
