/**
 * Test-only extension for code-server: on startup it runs the integration suites with mocha
 * in this extension host (real `vscode` API), writes the results where the harness waits for
 * them, then stays idle. The harness, not this extension, decides when everything stops.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRunConfig, RUN_CONFIG_FILE, SUITES_BUNDLE, WORKSPACE_ENV, type RunConfig, type RunResults } from './protocol';
import { runMocha } from './runMocha';
import { writeResults } from './writeResults';

function readConfig(extensionPath: string): RunConfig {
  return parseRunConfig(JSON.parse(fs.readFileSync(path.join(extensionPath, RUN_CONFIG_FILE), 'utf8')));
}

async function runAndReport(extensionPath: string): Promise<void> {
  const config = readConfig(extensionPath);
  process.env[WORKSPACE_ENV] = config.workspace;
  let results: RunResults;
  try {
    results = await runMocha({
      suitesPath: path.join(extensionPath, SUITES_BUNDLE),
      workspace: config.workspace,
      vscodeVersion: vscode.version,
      grep: config.grep,
    });
  } catch (err) {
    const fatal = err instanceof Error ? (err.stack ?? err.message) : String(err);
    results = { workspace: config.workspace, vscodeVersion: vscode.version, passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [], fatal };
  }
  writeResults(config.resultsPath, results);
}

export function activate(context: vscode.ExtensionContext): void {
  // Not awaited: activation returns at once so the workbench finishes starting while the
  // suites run; a failure to even read the config is logged, and the harness times out.
  runAndReport(context.extensionPath).catch((err: unknown) => {
    console.error('[agent-lane-test-runner] could not report results:', err);
  });
}

export function deactivate(): void {
  // Nothing to release: mocha has finished or is abandoned with the process.
}
