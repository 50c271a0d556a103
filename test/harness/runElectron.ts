/**
 * The same integration suites under desktop VS Code, through @vscode/test-electron. For
 * machines that can download VS Code (this one can't: use runIntegration.ts here).
 *
 *   npx tsx test/harness/runElectron.ts [--workspace NAME]...
 *
 * Env: VSCODE_VERSION (default `stable`), or VSCODE_EXECUTABLE to use an installed VS Code.
 * On Linux without a display run it under `xvfb-run -a`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { buildElectronTests } from './bundle';
import { REPO_ROOT } from './paths';
import { createProfile, removeProfile } from './profile';
import { printOutcome, printTotals, totalsOf, type WorkspaceOutcome } from './summary';
import { parseRunResults, RESULTS_ENV, WORKSPACE_ENV } from '../runner-extension/src/protocol';

const DEFAULT_WORKSPACES = ['basic', 'bad-policy'];

async function runWorkspace(workspace: string, testsIndex: string): Promise<WorkspaceOutcome> {
  const started = Date.now();
  const profile = createProfile(`electron-${workspace}`, workspace);
  const resultsPath = path.join(profile.root, 'results.json');
  const launchArgs = [
    profile.workspaceDir,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    // Only built-ins and the extension under development: nothing from the machine.
    '--disable-extensions',
    '--disable-workspace-trust',
    '--skip-welcome',
    '--skip-release-notes',
  ];
  // Electron refuses to start as root with its sandbox on (CI containers run as root).
  if (process.getuid?.() === 0) launchArgs.push('--no-sandbox');
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: testsIndex,
      extensionTestsEnv: { [WORKSPACE_ENV]: workspace, [RESULTS_ENV]: resultsPath },
      launchArgs,
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    });
  } catch (err) {
    // A failing suite also rejects here; the results file, when written, says more.
    if (!fs.existsSync(resultsPath)) {
      const reason = err instanceof Error ? err.message : String(err);
      return { workspace, seconds: (Date.now() - started) / 1000, error: `${reason} (profile kept at ${profile.root})` };
    }
  }
  const seconds = (Date.now() - started) / 1000;
  if (!fs.existsSync(resultsPath)) return { workspace, seconds, error: `VS Code exited without writing results (profile kept at ${profile.root})` };
  const results = parseRunResults(JSON.parse(fs.readFileSync(resultsPath, 'utf8')));
  removeProfile(profile);
  return { workspace, seconds, results };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { workspace: { type: 'string', multiple: true } } });
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  // Inside the extension folder (out/ is git- and vsce-ignored): VS Code then resolves the
  // suites' `require('vscode')` to Agent Lane's own API object, as for any extension test.
  const outDir = path.join(REPO_ROOT, 'out', 'integration-electron');
  try {
    const index = await buildElectronTests(outDir);
    const outcomes: WorkspaceOutcome[] = [];
    // Sequential: each run is a full VS Code window.
    for (const ws of values.workspace ?? DEFAULT_WORKSPACES) outcomes.push(await runWorkspace(ws, index));
    outcomes.forEach(printOutcome);
    const totals = totalsOf(outcomes);
    printTotals(totals);
    return totals.failed === 0 && totals.passed > 0 ? 0 : 1;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
