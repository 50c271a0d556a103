/**
 * Runs the integration suites inside real VS Code (code-server + Debian chromium), one
 * code-server per workspace fixture, and prints a mocha-like summary.
 *
 *   npx tsx test/harness/runIntegration.ts [--workspace NAME]... [--grep TEXT] [--keep]
 *
 * Needs: scripts/setup-system.sh, scripts/setup-vscode.sh, `npm run build`.
 * Env: AGENTLANE_IT_TIMEOUT_MS (per workspace, default 240000).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildRunnerExtension } from './bundle';
import { openWorkbench, startCodeServer, tailOf, type RunningCodeServer, type Workbench } from './codeServer';
import { extensionHostLogs, findActivationFailure } from './extensionHostLog';
import { printOutcome, printTotals, totalsOf, type WorkspaceOutcome } from './summary';
import { createProfile, installAgentLane, installExtension, removeProfile, type Profile } from './profile';
import { parseRunResults, RUN_CONFIG_FILE, WORKSPACE_ENV, type RunConfig, type RunResults } from '../runner-extension/src/protocol';

const DEFAULT_WORKSPACES = ['basic', 'bad-policy'];
const TIMEOUT_MS = Number(process.env.AGENTLANE_IT_TIMEOUT_MS ?? 240_000);

/** Everything still running, so Ctrl-C or a crash never leaves code-server or chromium behind. */
const cleanups = new Set<() => Promise<void>>();
async function cleanupAll(): Promise<void> {
  await Promise.allSettled([...cleanups].map((c) => c()));
  cleanups.clear();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanupAll().finally(() => process.exit(130));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForResults(file: string, server: RunningCodeServer, profile: Profile, timeoutMs: number): Promise<RunResults> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return parseRunResults(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (server.exitCode() !== null) throw new Error(`code-server exited (${server.exitCode()}) before the tests reported`);
    const failure = findActivationFailure(profile.userDataDir);
    if (failure) throw new Error(`an Agent Lane extension failed to activate, so the suites never ran:\n${failure}`);
    await sleep(500);
  }
  throw new Error(`no results after ${timeoutMs} ms (is the runner extension activating? see the logs below)`);
}

interface WorkspaceRun extends WorkspaceOutcome {
  readonly profile: Profile;
}

async function runWorkspace(workspace: string, runnerDir: string, grep: string | undefined): Promise<WorkspaceRun> {
  const started = Date.now();
  const profile = createProfile(`it-${workspace}`, workspace);
  installAgentLane(profile);
  const runnerTarget = installExtension(profile, runnerDir);
  const resultsPath = path.join(profile.root, 'results.json');
  const config: RunConfig = { resultsPath, workspace, grep };
  fs.writeFileSync(path.join(runnerTarget, RUN_CONFIG_FILE), JSON.stringify(config));

  let server: RunningCodeServer | undefined;
  let workbench: Workbench | undefined;
  const stop = async (): Promise<void> => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
  };
  cleanups.add(stop);
  try {
    server = await startCodeServer({ profile, env: { [WORKSPACE_ENV]: workspace } });
    workbench = await openWorkbench(server, profile.workspaceDir, { consoleLog: path.join(profile.root, 'browser-console.log') });
    const results = await waitForResults(resultsPath, server, profile, TIMEOUT_MS);
    return { workspace, results, profile, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { workspace, error, profile, seconds: (Date.now() - started) / 1000 };
  } finally {
    await stop();
    cleanups.delete(stop);
  }
}

function printLogs(run: WorkspaceRun): void {
  console.log(`\n--- ${run.workspace}: code-server log (tail) ---\n${tailOf(path.join(run.profile.root, 'code-server.log'), 30)}`);
  for (const log of extensionHostLogs(run.profile.userDataDir)) console.log(`--- ${log} (tail) ---\n${tailOf(log, 30)}`);
  console.log(`(profile kept at ${run.profile.root})`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { workspace: { type: 'string', multiple: true }, grep: { type: 'string' }, keep: { type: 'boolean', default: false } },
  });
  const workspaces = values.workspace ?? DEFAULT_WORKSPACES;
  const started = Date.now();
  const runnerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentlane-runner-'));
  try {
    await buildRunnerExtension(runnerDir);
    // One workspace at a time: code-server plus chromium saturate 2 cores on their own.
    const runs: WorkspaceRun[] = [];
    for (const ws of workspaces) runs.push(await runWorkspace(ws, runnerDir, values.grep));

    for (const run of runs) {
      if (!printOutcome(run)) printLogs(run);
      else if (!values.keep) removeProfile(run.profile);
    }
    const totals = totalsOf(runs);
    console.log(`\nintegration: ${((Date.now() - started) / 1000).toFixed(1)} s for ${runs.length} workspace(s)`);
    printTotals(totals);
    return totals.failed === 0 && totals.passed > 0 ? 0 : 1;
  } finally {
    await cleanupAll();
    fs.rmSync(runnerDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await cleanupAll();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
