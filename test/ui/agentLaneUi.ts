/**
 * Driving Agent Lane's UI in a code-server workbench the way a person does: the activity bar,
 * webview buttons (sidebar cards, review panel, mission form), notifications, the theme.
 * Shared by the screenshot harness and `npm run demo -- --check`. Every finder polls until its
 * deadline and says what it looked for; none of them asserts on time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { webviewFrames } from '../harness/codeServer';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The content frames of every open webview (see the harness for why the element id counts). */
export { webviewFrames };

/** Polls all webviews until `pick(frame)` matches something; undefined at the deadline. */
export async function findInWebviews(page: Page, pick: (f: Frame) => Locator, timeoutMs: number): Promise<{ frame: Frame; locator: Locator } | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    for (const frame of await webviewFrames(page)) {
      const locator = pick(frame);
      if ((await locator.count().catch(() => 0)) > 0) return { frame, locator: locator.first() };
    }
    await sleep(250);
  } while (Date.now() < deadline);
  return undefined;
}

/** Clicks the first visible webview button named `name`; false when none showed up in time. */
export async function clickWebviewButton(page: Page, name: RegExp, timeoutMs: number): Promise<boolean> {
  const hit = await findInWebviews(page, (f) => f.getByRole('button', { name }).filter({ visible: true }), timeoutMs);
  if (!hit) return false;
  await hit.locator.click();
  return true;
}

/** The Agent Lane view container in the activity bar (our contributed icon). */
export function agentLaneActivity(page: Page): Locator {
  return page.locator('.part.activitybar .action-item a.action-label[aria-label^="Agent Lane"], .part.activitybar .action-item[aria-label^="Agent Lane"] a').first();
}

/**
 * Opens the Agent Lane sidebar (clicks the activity bar item, or runs the view's focus command)
 * and returns its webview frame once its page has rendered something, or undefined.
 */
export async function openAgentLaneSidebar(page: Page, timeoutMs = 20_000): Promise<Frame | undefined> {
  const item = agentLaneActivity(page);
  if (await item.isVisible().catch(() => false)) {
    const checked = await item.getAttribute('aria-expanded').catch(() => null);
    if (checked !== 'true') await item.click();
  } else {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Agent Lane: Focus on Supervisor View');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Supervisor' }).first();
    if (!(await row.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false))) {
      await page.keyboard.press('Escape');
      return undefined;
    }
    await row.click();
  }
  const deadline = Date.now() + timeoutMs;
  do {
    const frame = await webviewIn(page, '.part.sidebar');
    if (frame && (await frame.locator('body *:not(script):not(style)').count().catch(() => 0)) > 0) return frame;
    await sleep(250);
  } while (Date.now() < deadline);
  return undefined;
}

/**
 * The content frame of the webview shown over `part` (e.g. `.part.sidebar`, `.part.editor`).
 * Webview iframes live in an overlay layer, not inside the part, so this goes by position.
 */
export async function webviewIn(page: Page, part: string): Promise<Frame | undefined> {
  const box = await page.locator(part).first().boundingBox().catch(() => null);
  if (!box) return undefined;
  const hosts = page.locator('iframe.webview');
  const n = await hosts.count();
  for (let i = 0; i < n; i++) {
    const b = await hosts.nth(i).boundingBox().catch(() => null);
    if (!b || b.width < 10 || b.height < 10) continue;
    const cx = b.x + b.width / 2;
    const cy = b.y + b.height / 2;
    if (cx < box.x || cx > box.x + box.width || cy < box.y || cy > box.y + box.height) continue;
    const outer = await (await hosts.nth(i).elementHandle())?.contentFrame();
    for (const inner of outer?.childFrames() ?? []) {
      if ((await inner.frameElement().then((el) => el.getAttribute('id'), () => null)) === 'active-frame') return inner;
    }
  }
  return undefined;
}

/** A notification toast whose message matches, or undefined. Also looks in the notification center. */
export async function clickNotificationButton(page: Page, message: RegExp, button: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let openedCenter = false;
  do {
    const items = page.locator('.notification-list-item', { has: page.locator('.notification-list-item-message', { hasText: message }) });
    const btn = items.getByRole('button', { name: button, exact: true }).filter({ visible: true }).first();
    if (await btn.isVisible().catch(() => false)) {
      await btn.click();
      return true;
    }
    // Toasts hide after a while; the notification center keeps them.
    if (!openedCenter && Date.now() > deadline - timeoutMs / 2) {
      openedCenter = true;
      await page.locator('.statusbar-item[id="status.notifications"] a, .statusbar-item.notifications-center').first().click().catch(() => undefined);
    }
    await sleep(250);
  } while (Date.now() < deadline);
  return false;
}

export type Theme = 'light' | 'dark';
export const THEMES: Record<Theme, string> = { light: 'Default Light Modern', dark: 'Default Dark Modern' };

/**
 * Switches the colour theme by rewriting the user settings file (VS Code watches it), then waits
 * until the workbench carries the theme's class.
 */
export async function setTheme(page: Page, userDataDir: string, theme: Theme, timeoutMs = 15_000): Promise<void> {
  for (const scope of ['User', 'Machine']) {
    const file = path.join(userDataDir, scope, 'settings.json');
    if (!fs.existsSync(file)) continue;
    const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    settings['workbench.colorTheme'] = THEMES[theme];
    fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  }
  const cls = theme === 'light' ? 'vs' : 'vs-dark';
  await page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c) === true, cls, { timeout: timeoutMs });
  // Webviews get the new theme variables by message; give them a frame to repaint.
  await sleep(600);
}

/** Closes toasts so they do not cover a screenshot. */
export async function hideNotifications(page: Page): Promise<void> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if ((await toasts.count()) === 0) return;
  await page.keyboard.press('Escape');
  await sleep(200);
}

/** Names of the integrated terminals (tabs or the single-terminal title). */
export async function terminalNames(page: Page): Promise<string[]> {
  // One terminal: its title sits in the panel's title bar; several: the tabs list.
  const names = await page.locator('.part.panel .single-terminal-tab, .part.panel .terminal-tabs-entry .label-name').allTextContents().catch(() => []);
  return names.map((n) => n.trim()).filter(Boolean);
}
