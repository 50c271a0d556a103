/** The supervisor's sidebar and status bar are registered and reachable in real VS Code. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi } from '../support/extension';

suite('Agent Lane sidebar', () => {
  test('the sidebar view can be focused and its commands exist', async () => {
    await activatedApi();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['agentLane.sidebar.focus', 'agentLane.startSession', 'agentLane.freezeSession', 'agentLane.unfreezeSession', 'agentLane.stopSession']) {
      assert.ok(commands.has(id), `${id} is not registered`);
    }
    // Resolves the webview view (runs the provider); it must not throw.
    await vscode.commands.executeCommand('agentLane.sidebar.focus');
  });

  test('no session runs until the supervisor starts one', async () => {
    const api = await activatedApi();
    assert.ok(api.policy, 'the API exposes the policy service');
    assert.ok(api.sessions, 'the API exposes the session controller');
    assert.equal(api.sessions.active, undefined);
  });
});
