/**
 * Running the hook the repository would have run without us: `core.hooksPath` as configured
 * (read with our `GIT_CONFIG_*` entry taken out of the environment, so our override does not
 * hide it), else `$(git rev-parse --git-path hooks)/<name>`. Same arguments, same stdin, its
 * exit code is the answer.
 */
import { spawn } from 'node:child_process';
import { constants as fsc, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import { runGitText } from './exec';
import { configEntries } from './hookScripts';

const AGENTLANE_VARS = ['AGENTLANE_HOOK_URL', 'AGENTLANE_HOOK_TOKEN_FILE', 'AGENTLANE_GIT_HOOKS_DIR'];

/**
 * The environment without our `core.hooksPath` entry (identified by `ourHooksDir`) and without
 * the hook channel's variables: the repository's hook is not ours and gets no token path.
 */
export function repoHookEnv(env: NodeJS.ProcessEnv, ourHooksDir: string | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  const entries = configEntries(env);
  for (let i = 0; i < entries.length; i++) {
    delete out[`GIT_CONFIG_KEY_${i}`];
    delete out[`GIT_CONFIG_VALUE_${i}`];
  }
  const kept = entries.filter(([k, v]) => !(k.toLowerCase() === 'core.hookspath' && ourHooksDir !== undefined && samePath(v, ourHooksDir)));
  kept.forEach(([k, v], i) => {
    out[`GIT_CONFIG_KEY_${i}`] = k;
    out[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  if (kept.length > 0) out.GIT_CONFIG_COUNT = String(kept.length);
  else delete out.GIT_CONFIG_COUNT;
  for (const v of AGENTLANE_VARS) delete out[v];
  return out;
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** Where the repository's own `<name>` hook lives (it may not exist). */
export async function repoHookPath(cwd: string, name: string, env: NodeJS.ProcessEnv): Promise<string> {
  let configured = '';
  try {
    configured = (await runGitText(cwd, ['config', '--type=path', '--get', 'core.hooksPath'], { env })).trim();
  } catch (err) {
    // `git config --get` exits 1 when the key is unset: that is the default case, not an error.
    if (!GitError.is(err) || err.reason === 'git-missing' || err.reason === 'not-a-repo') throw err;
  }
  if (configured) return path.resolve(cwd, configured, name);
  const dir = (await runGitText(cwd, ['rev-parse', '--git-path', 'hooks'], { env })).trim();
  return path.resolve(cwd, dir, name);
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) return false;
    await fsp.access(file, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type ChainResult = { ran: false } | { ran: true; file: string; exitCode: number; error?: string };

/**
 * Runs the repository's hook if there is an executable one. It inherits our stdio, so stdin
 * (pre-push, post-rewrite) and its messages pass straight through. A hook that is our own
 * directory (a misconfiguration that would loop) is not run.
 */
export async function runRepoHook(cwd: string, name: string, args: readonly string[], env: NodeJS.ProcessEnv, ourHooksDir: string | undefined): Promise<ChainResult> {
  const hookEnv = repoHookEnv(env, ourHooksDir);
  const file = await repoHookPath(cwd, name, hookEnv);
  if (ourHooksDir && samePath(path.dirname(file), ourHooksDir)) return { ran: false };
  if (!(await isExecutableFile(file))) return { ran: false };
  return new Promise<ChainResult>((resolve) => {
    const child = spawn(file, [...args], { cwd, env: hookEnv, stdio: 'inherit' });
    child.on('error', (err) => resolve({ ran: true, file, exitCode: 126, error: `cannot run ${file}: ${err.message}` }));
    child.on('exit', (code, signal) => resolve({ ran: true, file, exitCode: code ?? 1, ...(signal ? { error: `${file} was killed by ${signal}` } : {}) }));
  });
}

/** Hook names present and executable in the repository's hooks directory right now. */
export async function existingRepoHooks(cwd: string, names: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Set<string>> {
  const found = new Set<string>();
  for (const name of names) {
    try {
      if (await isExecutableFile(await repoHookPath(cwd, name, env))) found.add(name);
    } catch {
      // Not a repository (yet): nothing to chain to.
    }
  }
  return found;
}
