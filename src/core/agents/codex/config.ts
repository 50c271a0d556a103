/**
 * Codex CLI's private per-session config. `CODEX_HOME` points into the session directory, with
 * our hooks in its `config.toml` and the user's login (`auth.json`) copied in.
 *
 * Hook trust: `codex exec` silently SKIPS hooks nobody approved. We pass
 * `--dangerously-bypass-hook-trust` rather than writing a `trusted_hash`, because (1) the hash is
 * whatever `codex app-server` reports — an internal algorithm that can change in any version —
 * and getting it costs an extra app-server start per session; (2) the bypass only reaches hooks
 * from layers Codex loads, and the private CODEX_HOME marks no project trusted, so a
 * repository's `.codex/config.toml` (its hooks and a `[features] hooks=false`) is not loaded.
 * `-c features.hooks=true` on the command line outranks every file, as a second lock.
 *
 * Hook timeout: measured, Codex 0.171 waits out a 75 s hook with `timeout = 600` (no hidden
 * cap), so an approval can wait inside the hook; curl still gives up 5 s before the timeout.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrepareInput, PreparedAgent } from '../adapter';
import { agentRoutes } from '../hookRoutes';
import { writeHookClient } from '../hookClient/script';

/** TOML basic string: JSON's escapes are TOML's, except that TOML also forbids raw DEL. */
export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\u007F');
}

export async function prepareCodex(input: PrepareInput, argv: readonly string[]): Promise<PreparedAgent> {
  const home = path.join(input.sessionDir, 'codex-home');
  await fsp.mkdir(home, { recursive: true, mode: 0o700 });
  const routes = agentRoutes('codex');
  const base = input.hookBaseUrl.replace(/\/+$/, '');
  const hookDir = path.join(input.sessionDir, 'agent-hooks');
  const timeout = Math.max(2, Math.ceil(input.hookTimeoutSeconds));
  // curl gives up 5 s before Codex would kill the hook (a killed hook fails open).
  const pre = await writeHookClient(hookDir, 'codex-pre-tool-use', { url: `${base}${routes.pre}`, token: input.token, maxSeconds: Math.max(1, timeout - 5) });
  const post = await writeHookClient(hookDir, 'codex-post-tool-use', { url: `${base}${routes.post}`, token: input.token, maxSeconds: 10, recordOnly: true });
  const files = [...pre.files, ...post.files];

  const config = [
    '# Agent Lane: private per-session Codex config. Generated; removed when the session ends.',
    '[features]',
    'hooks = true',
    '',
    '[[hooks.PreToolUse]]',
    'matcher = ".*"',
    '[[hooks.PreToolUse.hooks]]',
    'type = "command"',
    `command = ${tomlString(pre.command)}`,
    `timeout = ${timeout}`,
    '',
    '[[hooks.PostToolUse]]',
    'matcher = ".*"',
    '[[hooks.PostToolUse.hooks]]',
    'type = "command"',
    `command = ${tomlString(post.command)}`,
    'timeout = 15',
    '',
  ].join('\n');
  const configFile = path.join(home, 'config.toml');
  await fsp.writeFile(configFile, config, { mode: 0o600 });
  files.push(configFile);

  const auth = path.join(input.userHome ?? os.homedir(), '.codex', 'auth.json');
  const authCopy = path.join(home, 'auth.json');
  if (await fsp.copyFile(auth, authCopy).then(() => true, () => false)) {
    await fsp.chmod(authCopy, 0o600);
    files.push(authCopy);
  }

  const args = ['-c', 'features.hooks=true', '--dangerously-bypass-hook-trust'];
  const namesModel = argv.some((a, i) => a === '-m' || a === '--model' || a.startsWith('--model=') || ((a === '-c' || a === '--config') && argv[i + 1]?.startsWith('model=')));
  if (input.model && !namesModel) args.push('--model', input.model);
  return { args, env: { CODEX_HOME: home }, unsetEnv: [], files, configFile };
}
