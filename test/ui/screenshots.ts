/**
 * Screenshots of Agent Lane's UI in real VS Code (code-server + chromium), light and dark,
 * taken while the demo story plays: `npx tsx test/ui/screenshots.ts` (needs `npm run build`,
 * scripts/setup-vscode.sh and scripts/install-claude.sh). Writes docs/screenshots/*.png.
 *
 * It starts the same stack as `npm run demo` (sample repository, scripted model, supervised
 * session started when the workspace opens), then: the sidebar with a pending approval, the
 * status bar, the approval answered on the sidebar card, the review panel for the agent's
 * commit, the acknowledgement, the explorer decorations and the mission form filled in.
 * A piece of UI that is not built yet is reported and skipped; the exit code is 1 if any shot
 * is missing.
 *
 *   --only NAME[,NAME]   take only these shots (sidebar, status-bar, review, explorer-decorations, mission-form)
 *   --keep               keep the temp dirs
 *   --out DIR            write elsewhere (default docs/screenshots)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openWorkbench, runCommandFromPalette, waitForWorkbench } from '../harness/codeServer';
import { REPO_ROOT } from '../harness/paths';
import { Cleanup } from '../../scripts/demo/cleanup';
import { startDemoStack, type DemoStack } from '../../scripts/demo/stack';
import { newestTrace, readTrace, type TraceLine } from '../../scripts/demo/trace';
import { findInWebviews, openAgentLaneSidebar, setTheme, type Theme } from './agentLaneUi';

const SHOTS = ['sidebar', 'status-bar', 'review', 'explorer-decorations', 'mission-form'] as const;
type Shot = (typeof SHOTS)[number];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface Args {
  readonly only: ReadonlySet<Shot>;
  readonly keep: boolean;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Args {
  let only = new Set<Shot>(SHOTS);
  let out = path.join(REPO_ROOT, 'docs', 'screenshots');
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') keep = true;
    else if (a === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = names.filter((n) => !(SHOTS as readonly string[]).includes(n));
      if (bad.length) throw new Error(`unknown shot(s) ${bad.join(', ')}; known: ${SHOTS.join(', ')}`);
      only = new Set(names as Shot[]);
    } else if (a === '--out') out = path.resolve(argv[++i] ?? out);
    else throw new Error(`unknown argument ${a}; usage: tsx test/ui/screenshots.ts [--only ${SHOTS.join(',')}] [--keep] [--out DIR]`);
  }
  return { only, keep, out };
}

async function waitForTrace(stack: DemoStack, pred: (e: TraceLine) => boolean, timeoutMs: number): Promise<TraceLine | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    const file = newestTrace(stack.profile.userDataDir);
    const hit = file ? readTrace(file).find(pred) : undefined;
    if (hit) return hit;
    await sleep(300);
  } while (Date.now() < deadline);
  return undefined;
}

class Shooter {
  readonly written: string[] = [];
  readonly missing: string[] = [];
  private theme: Theme = 'dark';

  constructor(private readonly page: Page, private readonly stack: DemoStack, private readonly args: Args) {
    fs.mkdirSync(args.out, { recursive: true });
  }

  wants(shot: Shot): boolean {
    return this.args.only.has(shot);
  }

  /** Both themes, the current one first (one switch per shot instead of two). */
  async both(shot: Shot, target: () => Promise<Locator | Page>, settle?: () => Promise<void>): Promise<void> {
    const order: Theme[] = this.theme === 'dark' ? ['dark', 'light'] : ['light', 'dark'];
    for (const theme of order) {
      if (theme !== this.theme) {
        await setTheme(this.page, this.stack.profile.userDataDir, theme);
        this.theme = theme;
      }
      await settle?.();
      // No hover tooltips in the shot.
      await this.page.mouse.move(700, 8);
      await sleep(300);
      const file = path.join(this.args.out, `${shot}-${theme}.png`);
      await (await target()).screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      const kb = fs.statSync(file).size / 1024;
      this.written.push(file);
      log(`  ✓ ${path.relative(REPO_ROOT, file)} (${kb.toFixed(0)} KB)${kb > 300 ? '  ← over 300 KB' : ''}`);
    }
  }

  skip(shot: Shot, why: string): void {
    this.missing.push(shot);
    log(`  ✗ ${shot}: ${why}`);
  }
}

/** Opens a file through Quick Open, as a person would. */
async function openFile(page: Page, rel: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  const row = page.locator('.quick-input-list .monaco-list-row').first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.part.editor .tab.active', { hasText: path.basename(rel) }).waitFor({ state: 'visible', timeout: 10_000 });
}

/** More room for editor-area webviews: hide the panel (the agent's terminal keeps running). */
async function hidePanel(page: Page): Promise<void> {
  if (await page.locator('.part.panel').isVisible().catch(() => false)) await runCommandFromPalette(page, 'View: Hide Panel');
}

async function showPanel(page: Page): Promise<void> {
  if (!(await page.locator('.part.panel').isVisible().catch(() => false))) await runCommandFromPalette(page, 'View: Toggle Panel Visibility');
}

/** Expands explorer folders (compact rows such as `.github/workflows` count as one). */
async function expandExplorer(page: Page, names: readonly string[]): Promise<void> {
  const activity = page.locator('.part.activitybar a.action-label[aria-label^="Explorer"]').first();
  await activity.click();
  const tree = page.locator('.explorer-folders-view');
  await tree.waitFor({ state: 'visible', timeout: 10_000 });
  for (const name of names) {
    const row = tree.locator(`.monaco-list-row[aria-expanded="false"]`, { hasText: name }).first();
    if (await row.isVisible().catch(() => false)) {
      await row.click();
      await sleep(300);
    }
  }
}

async function fillMissionForm(page: Page): Promise<boolean> {
  const hit = await findInWebviews(page, (f) => f.locator('#mission-form'), 20_000);
  if (!hit) return false;
  const { frame } = hit;
  const fill = async (id: string, value: string): Promise<void> => {
    const el = frame.locator(`#${id}`);
    if ((await el.count()) === 0) {
      log(`    (mission form has no #${id})`);
      return;
    }
    const tag = await el.evaluate((e) => e.tagName.toLowerCase());
    if (tag === 'select') await el.selectOption(value);
    else await el.fill(value);
  };
  await fill('f-title', 'Add a farewell greeting');
  await fill('f-outcome', 'farewell("Ada") returns "Goodbye, Ada!" and is covered by a unit test');
  await fill('f-intentOwner-name', 'Dana Owner');
  await fill('f-intentOwner-email', 'dana.owner@demo.invalid');
  await fill('f-supervisors-0-name', 'Sam Supervisor');
  await fill('f-supervisors-0-email', 'sam.supervisor@demo.invalid');
  await fill('f-mode', 'build');
  await fill('f-scope-write', 'src/**\ntest/**');
  await fill('f-budget-usd', '3');
  await fill('f-limits-minutes', '45');
  await fill('f-acceptance', 'npm test');
  await fill('f-classification', 'internal');
  await fill('f-risk', 'low');
  await fill('f-attribution-team', 'greeter');
  await frame.locator('#f-title').focus().catch(() => undefined);
  return true;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onSignals(() => log('\nscreenshots: stopping…'));
  try {
    const stack = await startDemoStack({
      label: 'screenshots', keep: args.keep, log, theme: 'Default Dark Modern',
      // Approvals are answered on the sidebar card; toasts would cover the shots.
      extraSettings: { 'agentLane.approvals.notifications': false, 'workbench.tips.enabled': false, 'editor.minimap.enabled': false },
    }, cleanup);
    const wb = await openWorkbench(stack.server, stack.workspace.dir, { viewport: { width: 1400, height: 900 }, consoleLog: path.join(stack.profile.root, 'browser-console.log') });
    cleanup.add('browser', () => wb.close());
    const page = wb.page;
    await waitForWorkbench(page);
    const shooter = new Shooter(page, stack, args);
    log('waiting for the session and the workflow approval…');

    const ask = await waitForTrace(stack, (e) => e.event === 'approval.requested' && (e.reason ?? '').includes('ci.yml'), 120_000);
    if (!ask) throw new Error('the session never asked for the workflow approval (see the demo --check output for where it stops)');
    await openFile(page, 'src/app.ts');
    const sidebar = await openAgentLaneSidebar(page, 20_000);
    const allowOnce = sidebar?.getByRole('button', { name: /allow once/i }).first();
    const cardShown = allowOnce ? await allowOnce.waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false) : false;

    if (shooter.wants('sidebar')) {
      if (cardShown) await shooter.both('sidebar', async () => page);
      else shooter.skip('sidebar', sidebar ? 'the sidebar shows no approval card' : 'no Agent Lane sidebar');
    }
    if (shooter.wants('status-bar')) {
      await shooter.both('status-bar', async () => page.locator('.part.statusbar'));
    }

    // Answer on the card (the demo's approval), then the commit comes.
    if (cardShown && allowOnce) await allowOnce.click();
    else throw new Error('cannot answer the workflow approval: no sidebar card');
    const commitAsk = await waitForTrace(stack, (e) => e.event === 'approval.requested' && (e.reason ?? '').includes('waits for acknowledgement'), 90_000);
    if (!commitAsk) throw new Error('the agent\'s commit never asked for an acknowledgement');

    const ack = await findInWebviews(page, (f) => f.locator('#acknowledge'), 30_000);
    if (shooter.wants('review')) {
      if (ack) {
        await hidePanel(page);
        await shooter.both('review', async () => page);
        await showPanel(page);
      } else shooter.skip('review', 'no review panel with an Acknowledge button');
    }
    if (ack) await ack.locator.click();
    const recorded = await waitForTrace(stack, (e) => e.event === 'commit.recorded', 60_000);
    log(recorded ? `commit recorded ${recorded.commitSha?.slice(0, 10) ?? ''}` : 'no commit.recorded (acknowledgement missing?)');

    if (shooter.wants('explorer-decorations')) {
      await runCommandFromPalette(page, 'View: Close All Editors'); // the review panel is done
      await openFile(page, 'src/app.ts');
      await expandExplorer(page, ['.github', 'secrets', 'src', 'test', '.agentlane', 'missions']);
      // Focus back in the editor: no selected explorer row in the shot.
      await page.locator('.part.editor .monaco-editor .view-lines').first().click();
      await shooter.both('explorer-decorations', async () => page);
    }

    if (shooter.wants('mission-form')) {
      await runCommandFromPalette(page, 'Agent Lane: New Mission');
      // Let the form's webview come up before the next palette command (it briefly takes focus).
      await findInWebviews(page, (f) => f.locator('#mission-form'), 20_000);
      await hidePanel(page);
      if (await fillMissionForm(page)) await shooter.both('mission-form', async () => page, () => sleep(500));
      else shooter.skip('mission-form', 'no mission form webview (#mission-form)');
    }

    log('');
    log(`screenshots: ${shooter.written.length} written to ${path.relative(REPO_ROOT, args.out) || args.out}${shooter.missing.length ? `, missing: ${shooter.missing.join(', ')}` : ''}`);
    return shooter.missing.length === 0 ? 0 : 1;
  } catch (err) {
    log(`screenshots: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

void main().then((code) => process.exit(code));
