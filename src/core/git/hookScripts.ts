/**
 * The hooks directory a lane points git at (`core.hooksPath` through `GIT_CONFIG_*` in the
 * agent's environment). Every hook is a two-line `sh` wrapper that execs the Agent Lane CLI;
 * paths are baked in when the lane opens so nothing depends on the agent's PATH.
 *
 * Overriding `core.hooksPath` hides *all* of the repository's hooks, so besides the three we
 * act on we install pass-throughs for the other client and server hooks (git-lfs needs
 * pre-push / post-checkout / post-merge, husky anything): the CLI simply runs the hook the
 * repository would have run. Two hooks fire on every index or ref update and would cost a
 * process start each time; they get a pass-through only if the repository has one when the
 * lane opens.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Hooks the CLI acts on; every other one only chains. */
export const ACTIVE_HOOKS = ['pre-commit', 'pre-merge-commit', 'commit-msg', 'post-commit'] as const;

export const PASS_THROUGH_HOOKS = [
  'applypatch-msg', 'pre-applypatch', 'post-applypatch', 'prepare-commit-msg', 'pre-rebase', 'post-checkout',
  'post-merge', 'pre-push', 'pre-auto-gc', 'post-rewrite', 'sendemail-validate', 'push-to-checkout',
  'pre-receive', 'update', 'proc-receive', 'post-receive', 'post-update',
] as const;

/** Installed only when the repository already has them (see above). */
export const FREQUENT_HOOKS = ['reference-transaction', 'post-index-change'] as const;

export const HOOKS_DIR_NAME = 'git-hooks';
export const TOKEN_FILE_NAME = 'git-token';

/** Single-quoted for POSIX sh: the only character that needs care inside '…' is ' itself. */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function hookScript(name: string, nodePath: string, cliPath: string, hooksDir: string): string {
  // AGENTLANE_GIT_HOOKS_DIR tells the CLI which core.hooksPath entry is ours, so it can look
  // up the repository's own setting without it. ELECTRON_RUN_AS_NODE: in VS Code the
  // extension host's execPath is Electron.
  return [
    '#!/bin/sh',
    `# Agent Lane ${name} hook (generated for one session; deleted when the session ends)`,
    `AGENTLANE_GIT_HOOKS_DIR=${shellQuote(hooksDir)} ELECTRON_RUN_AS_NODE=1 exec ${shellQuote(nodePath)} ${shellQuote(cliPath)} git-hook ${shellQuote(name)} "$@"`,
    '',
  ].join('\n');
}

export interface InstalledGitHooks {
  hooksDir: string;
  tokenFile: string;
  hooks: string[];
}

export interface InstallGitHooksOptions {
  sessionDir: string;
  nodePath: string;
  cliPath: string;
  token: string;
  /** Names of hooks the repository has now (for FREQUENT_HOOKS). */
  existingRepoHooks?: ReadonlySet<string>;
}

export async function installGitHooks(o: InstallGitHooksOptions): Promise<InstalledGitHooks> {
  const hooksDir = path.join(o.sessionDir, HOOKS_DIR_NAME);
  await fsp.mkdir(hooksDir, { recursive: true, mode: 0o755 });
  const names: string[] = [...ACTIVE_HOOKS, ...PASS_THROUGH_HOOKS, ...FREQUENT_HOOKS.filter((h) => o.existingRepoHooks?.has(h))];
  for (const name of names) {
    const file = path.join(hooksDir, name);
    await fsp.writeFile(file, hookScript(name, o.nodePath, o.cliPath, hooksDir), { mode: 0o755 });
    await fsp.chmod(file, 0o755);
  }
  const tokenFile = path.join(o.sessionDir, TOKEN_FILE_NAME);
  await fsp.writeFile(tokenFile, `${o.token}\n`, { mode: 0o600 });
  await fsp.chmod(tokenFile, 0o600);
  return { hooksDir, tokenFile, hooks: names };
}

/**
 * Environment for the agent process. Our `core.hooksPath` is appended after any `GIT_CONFIG_*`
 * entries the environment already has, so those keep working (git reads them all; the last
 * value of a key wins).
 */
export function gitHookEnv(
  hooks: Pick<InstalledGitHooks, 'hooksDir' | 'tokenFile'>, url: string, base: NodeJS.ProcessEnv = process.env, ackTimeoutSeconds?: number,
): Record<string, string> {
  const entries = configEntries(base);
  const n = entries.length;
  const env: Record<string, string> = {};
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  env[`GIT_CONFIG_KEY_${n}`] = 'core.hooksPath';
  env[`GIT_CONFIG_VALUE_${n}`] = hooks.hooksDir;
  env.GIT_CONFIG_COUNT = String(n + 1);
  env.AGENTLANE_HOOK_URL = url;
  env.AGENTLANE_HOOK_TOKEN_FILE = hooks.tokenFile;
  // The pre-commit hook must wait at least as long as the broker holds the approval open.
  if (ackTimeoutSeconds !== undefined) env.AGENTLANE_GIT_ACK_TIMEOUT = String(ackTimeoutSeconds);
  return env;
}

/** The `GIT_CONFIG_KEY_i` / `GIT_CONFIG_VALUE_i` pairs an environment sets. */
export function configEntries(env: NodeJS.ProcessEnv): Array<[string, string]> {
  const count = Number(env.GIT_CONFIG_COUNT ?? '0');
  if (!Number.isInteger(count) || count <= 0) return [];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) {
    const k = env[`GIT_CONFIG_KEY_${i}`];
    if (k === undefined) break;
    out.push([k, env[`GIT_CONFIG_VALUE_${i}`] ?? '']);
  }
  return out;
}
