/**
 * `npm run demo -- --check`: the demo, watched by a headless browser instead of a person.
 * It opens the workbench, waits for the supervised session and its first decisions, answers
 * the workflow approval in the UI (sidebar card, else the notification), acknowledges the
 * commit (review panel, else the notification), and checks that the commit landed with its
 * Agent-Lane-* trailers and that the secret never reached the model. Every step reports ✓ or ✗;
 * steps whose UI is not built yet say so and fall back where a fallback exists.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, tailOf, waitForWorkbench } from '../../test/harness/codeServer';
import { REPO_ROOT } from '../../test/harness/paths';
import { clickNotificationButton, clickWebviewButton, openAgentLaneSidebar, terminalNames } from '../../test/ui/agentLaneUi';
import type { Cleanup } from './cleanup';
import { DEMO_COMMIT_SUBJECT } from './model';
import type { DemoStack } from './stack';
import { describe, newestTrace, readTrace, type TraceLine } from './trace';
import { DEMO_SECRET, commitCount, headMessage } from './workspace';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
}

class Steps {
  readonly results: StepResult[] = [];
  private readonly t0 = Date.now();
  constructor(private readonly log: (line: string) => void) {}

  record(name: string, ok: boolean, detail: string): boolean {
    const r = { name, ok, detail, seconds: (Date.now() - this.t0) / 1000 };
    this.results.push(r);
    this.log(`${ok ? '✓' : '✗'} ${name.padEnd(34)} ${detail}  (${r.seconds.toFixed(1)} s)`);
    return ok;
  }
}

/** Polls the newest trace until `pred` holds for one of its lines. */
async function waitForTrace(root: string, pred: (e: TraceLine) => boolean, timeoutMs: number): Promise<TraceLine | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    const file = newestTrace(root);
    const hit = file ? readTrace(file).find(pred) : undefined;
    if (hit) return hit;
    await sleep(300);
  } while (Date.now() < deadline);
  return undefined;
}

const isDecision = (decision: string, tool: string, file: string, afterSeq = -1) => (e: TraceLine): boolean =>
  e.event === 'tool.decision' && e.decision === decision && e.tool === tool && e.seq > afterSeq && e.paths.some((p) => p.endsWith(file));

export async function runCheck(stack: DemoStack, cleanup: Cleanup, log: (line: string) => void): Promise<boolean> {
  const steps = new Steps(log);
  const consoleLog = path.join(stack.profile.root, 'browser-console.log');
  const wb = await openWorkbench(stack.server, stack.workspace.dir, { consoleLog });
  cleanup.add('browser', () => wb.close());
  const page = wb.page;
  const storage = stack.profile.userDataDir;
  try {
    await waitForWorkbench(page);
    steps.record('workbench loaded', true, stack.url);

    const start = await waitForTrace(storage, (e) => e.event === 'session.start', 90_000);
    if (!steps.record('session started', start !== undefined, start ? `trace ${newestTrace(storage)}` : 'no session.start in any trace')) {
      const names = await terminalNames(page);
      log(`  terminals: ${names.join(', ') || '(none)'}`);
      return false;
    }
    const boxed = await waitForTrace(storage, (e) => e.event === 'sandbox.status', 10_000);
    steps.record('agent runs in the sandbox', boxed?.state === 'on', boxed ? `sandbox.status ${boxed.state ?? '?'}${boxed.reason ? `: ${boxed.reason}` : ''}` : 'no sandbox.status in the trace');
    const names = await waitForTerminal(page, 20_000);
    steps.record('agent terminal open', names.some((n) => n.startsWith('Agent Lane')), names.join(', ') || '(no terminal tab found)');

    const deny = await waitForTrace(storage, isDecision('deny', 'Read', '.env'), 60_000);
    steps.record('Read .env denied', deny !== undefined, deny ? describe(deny) : 'no deny for .env in the trace');

    const edit = await waitForTrace(storage, isDecision('allow', 'Edit', 'src/app.ts'), 60_000);
    steps.record('src/app.ts edited', edit !== undefined, edit ? describe(edit) : 'no allowed Edit of src/app.ts');

    const ask = await waitForTrace(storage, (e) => e.event === 'approval.requested' && (e.reason ?? '').includes('ci.yml'), 60_000);
    if (steps.record('workflow edit waits for approval', ask !== undefined, ask ? `approval.requested: ${ask.reason ?? ''}` : 'no approval request for .github/workflows/ci.yml')) {
      await answerWorkflowApproval(page, steps);
      const answered = await waitForTrace(storage, (e) => e.event === 'approval.answered', 30_000);
      steps.record('approval recorded', answered?.answer === 'allow-once', answered ? describe(answered) : 'no approval.answered');
      const allowed = await waitForTrace(storage, isDecision('allow', 'Edit', 'ci.yml', answered?.seq), 10_000);
      steps.record('workflow edit allowed', allowed !== undefined, allowed ? describe(allowed) : 'no allow for ci.yml after the approval');
    }

    const commitAsk = await waitForTrace(storage, (e) => e.event === 'approval.requested' && (e.reason ?? '').includes('waits for acknowledgement'), 60_000);
    if (steps.record('commit waits for acknowledgement', commitAsk !== undefined, commitAsk ? `approval.requested: ${commitAsk.reason ?? ''}` : 'no commit approval in the trace')) {
      await acknowledgeCommit(page, steps);
    }

    const recorded = await waitForTrace(storage, (e) => e.event === 'commit.recorded', 60_000);
    const count = commitCount(stack.workspace.dir);
    const message = count > 1 ? headMessage(stack.workspace.dir) : '';
    const trailers = message.split('\n').filter((l) => l.startsWith('Agent-Lane-'));
    steps.record('commit landed', count === 2 && message.startsWith(DEMO_COMMIT_SUBJECT), count > 1 ? `HEAD: ${message.split('\n')[0]}` : 'still only the initial commit');
    steps.record('commit has Agent-Lane trailers', trailers.length >= 3, trailers.join(' | ') || '(none)');
    steps.record('trace records the commit', recorded !== undefined, recorded ? describe(recorded) : 'no commit.recorded');
    const observed = await waitForTrace(storage, (e) => e.event === 'commit.observed', 30_000);
    steps.record('host side observed the commit as acknowledged', observed?.acknowledged === true, observed ? describe(observed) : 'no commit.observed');

    const spend = readTrace(newestTrace(storage) ?? '').filter((e) => e.event === 'budget.usage').pop();
    steps.record('budget moved', (spend?.costUsd ?? 0) > 0, spend ? describe(spend) : 'no budget.usage event');
    const traceFile = newestTrace(storage);
    if (traceFile) {
      const v = cli(['verify', traceFile]);
      steps.record('agentlane verify (hash chain)', v.status === 0, firstLine(v.output) || `exit ${String(v.status)}`);
    }
    if (path.isAbsolute(stack.ledger)) {
      const cc = await waitForCli(['check-commits', 'HEAD~1..HEAD', '--ledger', stack.ledger, '--repo', stack.workspace.dir], 20_000);
      const ccLine = cc.output.split('\n').find((l) => /^[0-9a-f]{7,}\s/.test(l))?.replace(/\s{2,}/g, ' ') ?? firstLine(cc.output);
      steps.record('agentlane check-commits', cc.status === 0, ccLine || `exit ${String(cc.status)}`);
    } else {
      log(`- agentlane check-commits skipped: it reads a directory ledger, this run syncs to ${stack.ledger}`);
    }
    if (stack.fake) {
      const leaked = stack.fake.allRequestText().includes(DEMO_SECRET);
      steps.record('secret never reached the model', !leaked, leaked ? 'the .env secret was sent to the model!' : `${stack.fake.turnRequests().length} model requests, none with the secret`);
    }
  } catch (err) {
    steps.record('unexpected error', false, err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
  const failed = steps.results.filter((r) => !r.ok);
  if (failed.length > 0) diagnostics(stack, consoleLog, log);
  const trace = newestTrace(storage);
  if (trace) {
    log('');
    log(`trace ${trace}:`);
    for (const e of readTrace(trace)) log(`  ${String(e.seq).padStart(3)} ${describe(e)}`);
  }
  log('');
  log(`check: ${steps.results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0;
}

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function cli(args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The ledger syncs in the background: retry until the CLI is satisfied or the time is up. */
async function waitForCli(args: readonly string[], timeoutMs: number): Promise<{ status: number | null; output: string }> {
  const deadline = Date.now() + timeoutMs;
  let r = cli(args);
  while (r.status !== 0 && Date.now() < deadline) {
    await sleep(1000);
    r = cli(args);
  }
  return r;
}

const firstLine = (s: string): string => s.split('\n').find((l) => l.trim())?.trim() ?? '';

async function waitForTerminal(page: Page, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let names: string[] = [];
  do {
    names = await terminalNames(page);
    if (names.some((n) => n.startsWith('Agent Lane'))) return names;
    await sleep(500);
  } while (Date.now() < deadline);
  return names;
}

async function answerWorkflowApproval(page: Page, steps: Steps): Promise<void> {
  const sidebar = await openAgentLaneSidebar(page, 15_000);
  if (sidebar) {
    const button = sidebar.getByRole('button', { name: /allow once/i }).first();
    const shown = await button.waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false);
    if (shown) {
      // The page the supervisor answers in says whether the agent is boxed.
      const boxed = await sidebar.getByText(/sandboxed \(bubblewrap\)/).first().waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
      steps.record('sidebar says sandboxed', boxed, boxed ? 'sandboxed (bubblewrap)' : 'the sidebar shows no sandbox line');
      await button.click();
      steps.record('answered in the sidebar', true, 'Allow once on the approval card');
      return;
    }
    steps.record('sidebar approval card', false, 'the sidebar shows no "Allow once" button (sidebar page not built yet?); using the notification');
  } else {
    steps.record('sidebar', false, 'no Agent Lane sidebar webview (not built yet?); using the notification');
  }
  const ok = await clickNotificationButton(page, /needs approval/i, 'Allow Once', 20_000);
  steps.record('answered in the notification', ok, ok ? 'Allow Once' : 'no approval notification with "Allow Once"');
}

async function acknowledgeCommit(page: Page, steps: Steps): Promise<void> {
  // The review panel opens by itself when a commit waits.
  const clicked = await clickWebviewButton(page, /^acknowledge$/i, 30_000);
  if (clicked) {
    steps.record('acknowledged in the review panel', true, 'Acknowledge');
    return;
  }
  steps.record('review panel', false, 'no review panel with an Acknowledge button (not built yet?); using the notification');
  const ok = await clickNotificationButton(page, /commit waiting/i, 'Acknowledge', 20_000);
  steps.record('acknowledged in the notification', ok, ok ? 'Acknowledge' : 'no commit notification with "Acknowledge"');
}

function diagnostics(stack: DemoStack, consoleLog: string, log: (line: string) => void): void {
  const logsDir = path.join(stack.profile.userDataDir, 'logs');
  const exthost = findFile(logsDir, 'remoteexthost.log');
  log('');
  log(`--- code-server log (${stack.server.logFile}) ---`);
  log(tailOf(stack.server.logFile, 15));
  if (exthost) {
    log(`--- extension host log (${exthost}) ---`);
    log(tailOf(exthost, 25));
  }
  const output = findFile(logsDir, '1-Agent Lane.log') ?? findFile(logsDir, 'Agent Lane.log');
  if (output) {
    log(`--- Agent Lane output (${output}) ---`);
    log(tailOf(output, 25));
  }
  log(`--- browser console (${consoleLog}) ---`);
  log(tailOf(consoleLog, 15));
}

function findFile(dir: string, name: string, depth = 6): string | undefined {
  if (depth < 0 || !fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith(name)) return p;
    if (entry.isDirectory()) {
      const hit = findFile(p, name, depth - 1);
      if (hit) return hit;
    }
  }
  return undefined;
}
