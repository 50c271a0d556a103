/**
 * A throwaway VS Code profile for one run: user settings, an extensions dir holding our
 * extension (copied, as code-server refuses --extensionDevelopmentPath) and a workspace copy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extensionFolderName, FIXTURE_WORKSPACES, readManifest, REPO_ROOT } from './paths';

/** Settings that keep a test workbench quiet, offline and free of first-run UI. */
export const TEST_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  // Built-in AI/chat features would try to reach their service; there is no network here.
  'chat.disableAIFeatures': true,
  // The secondary side bar would open empty (its chat view is disabled) and eat screenshot width.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The git extension scans the workspace on startup; our tests don't need it (2 cores).
  'git.enabled': false,
};

/** Files and folders of the extension that a VSIX would carry; missing ones are skipped. */
const EXTENSION_PARTS = ['package.json', 'dist', 'media', 'syntaxes', 'schemas', 'README.md', 'LICENSE', 'CHANGELOG.md', 'images'];

export interface Profile {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceDir: string;
}

export function createProfile(label: string, fixture: string, settings: Record<string, unknown> = {}): Profile {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `agentlane-vscode-${label}-`));
  const profile: Profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspaceDir: path.join(root, 'workspace', fixture),
  };
  const userDir = path.join(profile.userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...TEST_USER_SETTINGS, ...settings }, null, 2));
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  const source = path.join(FIXTURE_WORKSPACES, fixture);
  if (!fs.existsSync(source)) throw new Error(`no workspace fixture \`${fixture}\` in ${FIXTURE_WORKSPACES}`);
  fs.cpSync(source, profile.workspaceDir, { recursive: true });
  return profile;
}

/** Copies an extension folder into the profile under the name VS Code expects. */
export function installExtension(profile: Profile, extensionRoot: string, parts?: readonly string[]): string {
  const target = path.join(profile.extensionsDir, extensionFolderName(readManifest(extensionRoot)));
  fs.mkdirSync(target, { recursive: true });
  const names = parts ?? fs.readdirSync(extensionRoot);
  for (const name of names) {
    const from = path.join(extensionRoot, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, name), { recursive: true });
  }
  return target;
}

/** Installs the built Agent Lane extension from the repo (needs `npm run build` first). */
export function installAgentLane(profile: Profile): string {
  const main = path.join(REPO_ROOT, 'dist', 'extension.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return installExtension(profile, REPO_ROOT, EXTENSION_PARTS);
}

export function removeProfile(profile: Profile): void {
  fs.rmSync(profile.root, { recursive: true, force: true });
}
