/**
 * `extensionTestsPath` entry for @vscode/test-electron (desktop VS Code): VS Code calls
 * `run()` and treats a rejection as a failed run. Same mocha runner and suites as code-server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RESULTS_ENV, WORKSPACE_ENV } from './protocol';
import { runMocha } from './runMocha';
import { writeResults } from './writeResults';

export async function run(): Promise<void> {
  const workspace = process.env[WORKSPACE_ENV] ?? 'basic';
  // runElectron.ts bundles this file and the suites side by side.
  const results = await runMocha({ suitesPath: path.join(__dirname, 'suites.js'), workspace, vscodeVersion: vscode.version });
  const resultsPath = process.env[RESULTS_ENV];
  if (resultsPath) writeResults(resultsPath, results);
  if (results.fatal) throw new Error(results.fatal);
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed in workspace \`${workspace}\``);
}
