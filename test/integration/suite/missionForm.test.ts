/** The mission form in real VS Code: opened by command, driven through the panel's test hook. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadMissionFromText } from '../../../src/core/mission/load';
import type { MissionFormPanel } from '../../../src/vscode/missionForm/missionFormPanel';
import type { FormValues } from '../../../src/vscode/webview/protocol/missionForm';
import { activatedApi } from '../support/extension';
import { suiteInFixture, workspaceRoot } from '../support/workspace';

const ID = 'M-2026-11-21-it01';

function values(over: FormValues = {}): FormValues {
  return {
    id: ID, title: 'Integration mission', outcome: 'The form writes a valid mission file',
    intentOwner: { name: 'Ada Lovelace', email: 'ada@example.com' },
    supervisors: [{ name: 'Grace Hopper', email: 'grace@example.com' }],
    mode: 'build', scope: { write: 'src/**', deny: '', protect: '' }, budget: { usd: '5', tokens: '' },
    limits: { minutes: '', toolCalls: '' }, expires: '', model: '', acceptance: 'npm test',
    classification: 'internal', risk: 'low', attribution: { team: '', valueStream: '', costCenter: '' },
    ...over,
  };
}

function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

/** Resolves once a webview tab of this view type is open (the tab model updates asynchronously). */
function waitForWebviewTab(viewType: string, timeoutMs = 10_000): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const tab = webviewTabs(viewType)[0];
      if (!tab) return false;
      cleanup();
      resolve(tab);
      return true;
    };
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => check());
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input instanceof vscode.TabInputWebview ? t.input.viewType : t.label));
      reject(new Error(`no ${viewType} tab within ${timeoutMs} ms; tabs: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      listener.dispose();
    }
    check();
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

suiteInFixture('basic', 'Mission form', () => {
  const missionUri = (): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), '.agentlane', 'missions', `${ID}.yaml`);
  let panel: MissionFormPanel | undefined;

  suiteSetup(async () => {
    await activatedApi();
    panel = await vscode.commands.executeCommand<MissionFormPanel>('agentLane.newMission');
  });

  suiteTeardown(async () => {
    panel?.dispose();
    if (await exists(missionUri())) await vscode.workspace.fs.delete(missionUri());
  });

  test('the command opens the form as a webview panel', async () => {
    assert.ok(panel && typeof panel.submitForTest === 'function', 'agentLane.newMission did not return the form panel');
    const tab = await waitForWebviewTab('agentLane.missionForm');
    assert.equal(tab.label, 'New Mission');
    assert.match(String(panel.currentValues.id), /^M-\d{4}-\d{2}-\d{2}-[a-z0-9]{4}$/, 'a new form starts with a generated id');
  });

  test('an invalid mission is rejected with the schema message and nothing is written', async () => {
    const r = await panel!.submitForTest(values({ title: 'ab', supervisors: [{ name: 'G', email: 'nope' }] }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => [p.path, p.message]), [
      ['title', 'title needs at least 3 characters'],
      ['supervisors[0].email', 'a valid email is required'],
    ]);
    assert.equal(await exists(missionUri()), false);
  });

  test('an id that would leave .agentlane/missions is refused', async () => {
    const r = await panel!.submitForTest(values({ id: '../../evil' }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && /is not a mission id/.test(r.message), JSON.stringify(r));
  });

  test('a valid mission is written to .agentlane/missions/<id>.yaml and loads like the CLI loads it', async () => {
    const r = await panel!.submitForTest(values());
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.file, missionUri().fsPath);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(missionUri()));
    const loaded = loadMissionFromText(text, r.file);
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
    assert.equal(loaded.mission.title, 'Integration mission');
    assert.deepEqual(loaded.mission.scope.write, ['src/**']);
    assert.equal(loaded.mission.budget.usd, 5);
  });

  test('a different existing file is not overwritten without confirmation', async () => {
    const other = await vscode.commands.executeCommand<MissionFormPanel>('agentLane.newMission');
    assert.equal(other, panel, 'one form at a time');
    const r = await panel!.submitForTest(values({ title: 'Changed title' }), { confirmOverwrite: async () => false });
    // The panel saved this file itself, so it may overwrite it; a fresh form may not.
    assert.ok(r.ok);
    panel!.dispose();
    panel = await vscode.commands.executeCommand<MissionFormPanel>('agentLane.newMission');
    const refused = await panel!.submitForTest(values({ title: 'Someone else' }), { confirmOverwrite: async () => false });
    assert.equal(refused.ok, false);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(missionUri()));
    assert.match(text, /title: Changed title/);
  });

  test('Edit in form loads an existing mission file into the form', async () => {
    await vscode.window.showTextDocument(missionUri());
    const edit = await vscode.commands.executeCommand<MissionFormPanel>('agentLane.editMissionInForm', missionUri());
    assert.ok(edit, 'Edit in form did not open the form');
    panel = edit;
    assert.equal(edit.currentValues.title, 'Changed title');
    assert.equal(edit.currentValues.id, ID);
    assert.deepEqual(edit.currentValues.supervisors, [{ name: 'Grace Hopper', email: 'grace@example.com' }]);
  });
});
