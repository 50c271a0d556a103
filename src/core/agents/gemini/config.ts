/**
 * Gemini CLI's private per-session config. `GEMINI_CLI_HOME` relocates all of `~/.gemini` into
 * the session directory; our hooks go into the SYSTEM settings file
 * (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`) because Gemini merges system settings last: they win over
 * a repository's `.gemini/settings.json` (`hooksConfig.enabled: false` measured to turn hooks
 * off otherwise). `hooksConfig.disabled` is a union across layers, so the hook's name is random
 * per session: a repository cannot name it in advance.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrepareInput, PreparedAgent } from '../adapter';
import { agentRoutes } from '../hookRoutes';
import { writeHookClient } from '../hookClient/script';

/** Files of the user's own ~/.gemini that carry their login (nothing else is copied). */
const LOGIN_FILES = ['oauth_creds.json', 'google_accounts.json', 'installation_id'];

export async function prepareGemini(input: PrepareInput, argv: readonly string[]): Promise<PreparedAgent> {
  const home = path.join(input.sessionDir, 'gemini-home');
  const dotGemini = path.join(home, '.gemini');
  await fsp.mkdir(dotGemini, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  const routes = agentRoutes('gemini');
  const base = input.hookBaseUrl.replace(/\/+$/, '');
  const hookDir = path.join(input.sessionDir, 'agent-hooks');
  // curl gives up 5 s before Gemini would kill the hook (a killed hook fails open).
  const maxSeconds = Math.max(1, input.hookTimeoutSeconds - 5);
  const pre = await writeHookClient(hookDir, 'gemini-before-tool', { url: `${base}${routes.pre}`, token: input.token, maxSeconds });
  const post = await writeHookClient(hookDir, 'gemini-after-tool', { url: `${base}${routes.post}`, token: input.token, maxSeconds: 10, recordOnly: true });
  files.push(...pre.files, ...post.files);

  const hookName = `agentlane-${randomBytes(6).toString('hex')}`;
  const system = {
    hooksConfig: { enabled: true },
    hooks: {
      BeforeTool: [{ matcher: '.*', hooks: [{ name: hookName, type: 'command', command: pre.command, timeout: input.hookTimeoutSeconds * 1000 }] }],
      AfterTool: [{ matcher: '.*', hooks: [{ name: `${hookName}-after`, type: 'command', command: post.command, timeout: 15000 }] }],
    },
    // Gemini would load the workspace .env into its own environment, so every shell command the
    // agent runs would see those secrets.
    advanced: { ignoreLocalEnv: true },
  };
  const systemFile = path.join(input.sessionDir, 'gemini-system-settings.json');
  await fsp.writeFile(systemFile, JSON.stringify(system, null, 2), { mode: 0o600 });
  files.push(systemFile);

  // The user's login comes along; their hooks do not (the system file would add to them).
  const userDot = path.join(input.userHome ?? os.homedir(), '.gemini');
  const user = await readJsonObject(path.join(userDot, 'settings.json'));
  delete user.hooks;
  delete user.hooksConfig;
  const security = (user.security ?? {}) as { auth?: { selectedType?: string } };
  if (!security.auth?.selectedType && process.env.GEMINI_API_KEY) {
    user.security = { ...security, auth: { ...security.auth, selectedType: 'gemini-api-key' } };
  }
  const userFile = path.join(dotGemini, 'settings.json');
  await fsp.writeFile(userFile, JSON.stringify(user, null, 2), { mode: 0o600 });
  files.push(userFile);
  for (const f of LOGIN_FILES) {
    const from = path.join(userDot, f);
    const to = path.join(dotGemini, f);
    if (await fsp.copyFile(from, to).then(() => true, () => false)) {
      await fsp.chmod(to, 0o600);
      files.push(to);
    }
  }

  const args: string[] = [];
  if (input.model && !argv.some((a) => a === '-m' || a === '--model' || a.startsWith('--model='))) args.push('--model', input.model);
  return {
    args,
    env: {
      GEMINI_CLI_HOME: home,
      GEMINI_CLI_SYSTEM_SETTINGS_PATH: systemFile,
      // Hooks only run in a trusted folder.
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      // Otherwise Gemini relaunches itself and the parent ignores SIGTERM: the lane could not stop it.
      GEMINI_CLI_NO_RELAUNCH: 'true',
    },
    unsetEnv: ['GEMINI_CLI_SYSTEM_DEFAULTS_PATH'],
    files,
    configFile: systemFile,
  };
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  try {
    const v: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    // No user settings (or unreadable): the private config starts empty.
    return {};
  }
}
