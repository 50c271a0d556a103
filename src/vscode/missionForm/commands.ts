/**
 * Entry points to the mission form: `agentLane.newMission`, and `agentLane.editMissionInForm`
 * for an existing mission file (editor title button, CodeLens on the first line). An invalid
 * file loads what fits the form and shows the loader's problems.
 */
import * as vscode from 'vscode';
import { parseDocument } from 'yaml';
import { Commands } from '../constants';
import { MissionFormPanel, type MissionFormDeps } from './missionFormPanel';
import { missionFormFields } from './formModel';
import { fileProblems } from './evaluate';
import { isMissionPath } from './missionFile';
import { inputToValues } from './values';

export function registerMissionForm(deps: MissionFormDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.newMission, () => MissionFormPanel.show(deps)),
    vscode.commands.registerCommand(Commands.editMissionInForm, (arg?: unknown) => editInForm(deps, arg)),
    vscode.languages.registerCodeLensProvider(
      [{ pattern: '**/.agentlane/missions/*.yaml' }, { pattern: '**/.agentlane/missions/*.yml' }],
      new EditInFormLens(),
    ),
  ];
}

async function editInForm(deps: MissionFormDeps, arg: unknown): Promise<MissionFormPanel | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file' || !isMissionPath(uri.fsPath)) {
    void vscode.window.showInformationMessage('Agent Lane: open a mission file (.agentlane/missions/*.yaml) to edit it in the form.');
    return undefined;
  }
  // The editor's text wins over the disk: unsaved edits load too.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const doc = parseDocument(text);
  const data: unknown = doc.errors.length ? {} : doc.toJS();
  const problems = fileProblems(text, uri.fsPath);
  const panel = MissionFormPanel.show(deps, { values: inputToValues(missionFormFields(), data), file: uri.fsPath, problems });
  if (problems.length) {
    void vscode.window.showWarningMessage(
      `Agent Lane: ${problems.length} problem(s) in this mission; the form loaded what it could. First: ${problems[0].path ? `${problems[0].path}: ` : ''}${problems[0].message}`);
  }
  return panel;
}

class EditInFormLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isMissionPath(document.uri.fsPath)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(edit) Edit in form', command: Commands.editMissionInForm, arguments: [document.uri] })];
  }
}
