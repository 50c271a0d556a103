/** Where things are: the repo, and the Node 24 + code-server that scripts/setup-vscode.sh installed. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_WORKSPACES = path.join(REPO_ROOT, 'test', 'fixtures', 'workspaces');
export const RUNNER_EXTENSION_SRC = path.join(REPO_ROOT, 'test', 'runner-extension');
export const SUITES_DIR = path.join(REPO_ROOT, 'test', 'integration', 'suite');

export interface VSCodeInstall {
  readonly node: string;
  readonly codeServer: string;
  readonly nodeBin: string;
  readonly entry: string;
}

function vscodeTestDir(): string {
  return process.env.AGENTLANE_VSCODE_TEST_DIR ?? path.join(REPO_ROOT, '.vscode-test');
}

/** Reads the stamp setup-vscode.sh writes last, so its presence means a complete install. */
export function readVSCodeInstall(): VSCodeInstall {
  const stamp = path.join(vscodeTestDir(), 'stamp.json');
  if (!fs.existsSync(stamp)) {
    throw new Error(`code-server is not installed (${stamp} missing): run scripts/setup-system.sh and scripts/setup-vscode.sh`);
  }
  const value: unknown = JSON.parse(fs.readFileSync(stamp, 'utf8'));
  const field = (name: string): string => {
    const v: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
    if (typeof v !== 'string') throw new Error(`${stamp} has no string \`${name}\`; rerun scripts/setup-vscode.sh`);
    return v;
  };
  const install = { node: field('node'), codeServer: field('codeServer'), nodeBin: field('nodeBin'), entry: field('entry') };
  for (const file of [install.nodeBin, install.entry]) {
    if (!fs.existsSync(file)) throw new Error(`${file} from ${stamp} is missing; rerun scripts/setup-vscode.sh`);
  }
  return install;
}

export interface ExtensionManifest {
  readonly publisher: string;
  readonly name: string;
  readonly version: string;
}

export function readManifest(extensionRoot: string): ExtensionManifest {
  const file = path.join(extensionRoot, 'package.json');
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const field = (name: string): string => {
    const v: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
    if (typeof v !== 'string') throw new Error(`${file} has no string \`${name}\``);
    return v;
  };
  return { publisher: field('publisher'), name: field('name'), version: field('version') };
}

/** The folder name VS Code expects for an extension in --extensions-dir. */
export function extensionFolderName(m: ExtensionManifest): string {
  return `${m.publisher}.${m.name}-${m.version}`;
}
