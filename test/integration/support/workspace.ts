/**
 * Which workspace fixture this extension host opened, and suites that only make sense there.
 * The harness runs one code-server per fixture (the extension reads the first folder only).
 */
import * as vscode from 'vscode';

const WORKSPACE_ENV = 'AGENTLANE_TEST_WORKSPACE';

export function currentFixture(): string | undefined {
  return process.env[WORKSPACE_ENV];
}

/** A tdd `suite` registered only in the run that opened `fixture`. */
export function suiteInFixture(fixture: string, title: string, body: (this: Mocha.Suite) => void): void {
  if (currentFixture() === fixture) suite(`${title} [${fixture}]`, body);
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace has no folder open');
  return folder.uri;
}

export function policyUri(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), '.agentlane', 'policy.yaml');
}
