/**
 * Real VS Code for tests: code-server (Node 24, from npm) serving a throwaway profile, and
 * Debian chromium driven by playwright-core showing the workbench. Opening the page is what
 * starts the extension host. Reused by the integration run, the UI/screenshot harness and
 * the demo.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type FrameLocator, type Page } from 'playwright-core';
import type { Profile } from './profile';
import { readVSCodeInstall } from './paths';

export const CHROMIUM_PATH = process.env.AGENTLANE_CHROMIUM ?? '/usr/bin/chromium';

/** Without the networking flags chromium keeps dialling Google hosts this machine can't reach. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface RunningCodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  /** Non-null once the server process has exited (a crash before the tests finished). */
  exitCode(): number | null | undefined;
  workbenchUrl(folder: string): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly profile: Profile;
  /** Extra environment for code-server; the extension host inherits it. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function tailOf(file: string, lines = 40): string {
  if (!fs.existsSync(file)) return `(no ${file})`;
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function childEnv(profile: Profile, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // tsx's loader hooks must not leak into Node 24 running code-server.
  delete env.NODE_OPTIONS;
  // code-server writes its config.yaml and logs under XDG dirs; keep them out of $HOME.
  env.XDG_CONFIG_HOME = path.join(profile.root, 'xdg-config');
  env.XDG_DATA_HOME = path.join(profile.root, 'xdg-data');
  env.XDG_CACHE_HOME = path.join(profile.root, 'xdg-cache');
  // An empty gallery disables the marketplace; otherwise the workbench keeps querying
  // open-vsx.org for updates of built-in extensions, and there is no network here.
  env.EXTENSIONS_GALLERY = '{}';
  return env;
}

/** Kills the whole process group (server, extension host, pty host, watchers), then waits. */
async function killGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await sleep(100);
  // SIGKILL the group regardless: children may outlive a parent that exited on SIGTERM.
  signalGroup('SIGKILL');
}

export async function startCodeServer(options: StartOptions): Promise<RunningCodeServer> {
  const install = readVSCodeInstall();
  const { profile } = options;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(profile.root, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', path.join(profile.root, 'code-server.yaml'),
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    profile.workspaceDir,
  ];
  // detached: its own process group, so stop() reaches every process code-server spawns.
  const child = spawn(install.nodeBin, args, { detached: true, stdio: ['ignore', log, log], env: childEnv(profile, options.env ?? {}) });
  fs.closeSync(log);
  const server: RunningCodeServer = {
    port,
    baseUrl,
    logFile,
    exitCode: () => child.exitCode ?? (child.signalCode ? -1 : null),
    workbenchUrl: (folder) => `${baseUrl}/?folder=${encodeURIComponent(folder)}`,
    stop: () => killGroup(child),
  };
  try {
    await waitForHealthy(server, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForHealthy(server: RunningCodeServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode() !== null) {
      throw new Error(`code-server exited (${server.exitCode()}) while starting:\n${tailOf(server.logFile)}`);
    }
    try {
      const res = await fetch(`${server.baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`code-server not healthy after ${timeoutMs} ms:\n${tailOf(server.logFile)}`);
}

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Browser console lines are appended here; the workbench's own errors show up there. */
  readonly consoleLog?: string;
}

/** Opens the workbench for `folder` in headless Debian chromium; this starts the extension host. */
export async function openWorkbench(server: RunningCodeServer, folder: string, options: WorkbenchOptions = {}): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const consoleLog = options.consoleLog;
    if (consoleLog) {
      page.on('console', (m) => fs.appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => fs.appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e.message}\n`));
    }
    await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded' });
    return { browser, page, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Resolves once the workbench has rendered its main parts (not when extensions are ready). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * A webview's content. VS Code nests it: `iframe.webview` (host) → `iframe#active-frame`
 * (the extension's HTML). `index` picks among several open webviews, in DOM order.
 */
export function webviewContent(page: Page, index = 0): FrameLocator {
  return page.locator('iframe.webview').nth(index).contentFrame().locator('iframe#active-frame').contentFrame();
}

/**
 * The content frames of all open webviews. Playwright keeps the name a frame had when it was
 * created (`pending-frame` in VS Code 1.139), so the frame element's current id is what counts.
 */
export async function webviewFrames(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const frame of page.frames()) {
    if (frame.isDetached() || !frame.parentFrame()?.url().includes('/webview/')) continue;
    const id = await frame.frameElement().then((el) => el.getAttribute('id'), () => null);
    if (id === 'active-frame') out.push(frame);
  }
  return out;
}

/** The first webview content frame that contains `selector`, polled until `timeoutMs`. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of await webviewFrames(page)) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    await sleep(250);
  }
  throw new Error(`no webview with \`${selector}\` within ${timeoutMs} ms`);
}

/**
 * Runs a command by its palette title (e.g. "Agent Lane: Reload Policy"), as a person would.
 * The palette lists commands as of the moment it opens, and extension commands appear only
 * once the extension host has registered them, so an attempt that finds nothing is retried.
 */
export async function runCommandFromPalette(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  while (Date.now() < deadline) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const found = await row.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    if (found) {
      await row.click();
      return;
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`command \`${title}\` never appeared in the command palette within ${timeoutMs} ms`);
}
