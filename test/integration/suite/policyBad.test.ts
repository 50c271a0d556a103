/** An invalid workspace policy is reported where it is wrong, in words that name the problem. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi } from '../support/extension';
import { waitForDiagnostics } from '../support/diagnostics';
import { policyUri, suiteInFixture } from '../support/workspace';

// test/fixtures/workspaces/bad-policy/.agentlane/policy.yaml has `colour: blue` on line 3.
const BAD_LINE_INDEX = 2;

suiteInFixture('bad-policy', 'Invalid policy', () => {
  test('puts an error diagnostic on the unknown key, on its line', async () => {
    await activatedApi();
    const diagnostics = await waitForDiagnostics(policyUri(), (ds) => ds.length > 0);
    const onLine = diagnostics.filter((d) => d.range.start.line === BAD_LINE_INDEX);
    const seen = diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n');
    assert.equal(onLine.length, 1, `expected one diagnostic on line 3, saw:\n${seen}`);
    const [diagnostic] = onLine;
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /unknown key/i);
    assert.match(diagnostic.message, /colour/);
  });

  test('keeps the problem on the loaded stack so every agent action is denied', async () => {
    const api = await activatedApi();
    await api.policy.whenLoaded();
    assert.ok(api.policy.stack, 'no policy stack after activation');
    assert.ok(api.policy.stack.problems.length > 0, 'the invalid policy was accepted');
  });
});
