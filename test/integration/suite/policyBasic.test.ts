/** A valid workspace policy loads on activation and produces no problems. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi } from '../support/extension';
import { agentLaneDiagnostics } from '../support/diagnostics';
import { policyUri, suiteInFixture } from '../support/workspace';

suiteInFixture('basic', 'Policy on activation', () => {
  test('loads the workspace policy', async () => {
    const api = await activatedApi();
    const stack = await api.policy.whenLoaded();
    assert.ok(stack, 'no policy stack after activation');
    assert.equal(stack.workspaceMissing, false, 'the workspace policy file was not found');
    assert.deepEqual(stack.problems, []);
  });

  test('shows no Agent Lane diagnostics on a valid policy', async () => {
    await activatedApi();
    assert.deepEqual(agentLaneDiagnostics(policyUri()).map((d) => d.message), []);
    const anywhere = vscode.languages.getDiagnostics()
      .flatMap(([uri, list]) => list.filter((d) => d.source === 'Agent Lane').map((d) => `${uri.fsPath}: ${d.message}`));
    assert.deepEqual(anywhere, []);
  });
});
