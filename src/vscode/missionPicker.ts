/** Quick pick over `.agentlane/missions/*.yaml`; "No mission" runs under the policy alone. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { loadMissionFromText } from '../core/mission/load';

export const MISSIONS_DIR = '.agentlane/missions';

export async function pickMission(root: string): Promise<string | undefined | 'cancelled'> {
  const dir = path.join(root, MISSIONS_DIR);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  type Item = vscode.QuickPickItem & { file?: string };
  const items: Item[] = files.map((file) => {
    const r = loadMissionFromText(readFileSync(file, 'utf8'), file);
    return r.ok
      ? { label: r.mission.title, description: r.mission.id, detail: `${r.mission.mode} · supervisor ${r.mission.supervisors[0].name} · ${r.mission.outcome}`, file }
      : { label: `$(error) ${path.basename(file)}`, description: 'invalid mission', detail: r.errors[0]?.message, file };
  });
  items.push({ label: 'No mission', description: 'run under the workspace policy only' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Start a supervised session', placeHolder: 'Mission' });
  if (!pick) return 'cancelled';
  return pick.file;
}
