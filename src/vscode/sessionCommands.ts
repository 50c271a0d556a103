/** Command-palette entry points for sessions: start, freeze, unfreeze, stop. */
import * as vscode from 'vscode';
import { Commands } from './constants';
import type { SessionController } from './sessionController';
import { pickMission } from './missionPicker';

export function registerSessionCommands(sessions: SessionController, root: () => string | undefined): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.startSession, async (missionFile?: string | vscode.Uri) => {
      let file = missionFile instanceof vscode.Uri ? missionFile.fsPath : missionFile;
      if (file === undefined) {
        const r = root();
        if (r) {
          const picked = await pickMission(r);
          if (picked === 'cancelled') return;
          file = picked;
        }
      }
      await sessions.start(file);
    }),
    vscode.commands.registerCommand(Commands.freezeSession, () => sessions.freeze()),
    vscode.commands.registerCommand(Commands.unfreezeSession, () => sessions.unfreeze()),
    vscode.commands.registerCommand(Commands.stopSession, () => sessions.stop()),
  ];
}
