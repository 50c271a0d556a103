/** The commit review panel in real VS Code: registered, and quiet when nothing waits. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi } from '../support/extension';

suite('Commit review panel', () => {
  test('the review command is registered', async () => {
    await activatedApi();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('agentLane.reviewCommit'));
  });

  test('with no pending commit it opens nothing (and says so)', async () => {
    const api = await activatedApi();
    assert.equal(api.sessions.active, undefined, 'this suite expects no running session');
    const before = vscode.window.tabGroups.all.flatMap((g) => g.tabs).length;
    const panel: unknown = await vscode.commands.executeCommand('agentLane.reviewCommit');
    assert.equal(panel, undefined);
    const opened = await vscode.commands.executeCommand('agentLane.reviewCommit', 'ap-0123456789ab');
    assert.equal(opened, undefined);
    const reviewTabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('agentLane.review'));
    assert.deepEqual(reviewTabs, []);
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).length, before);
  });
});
