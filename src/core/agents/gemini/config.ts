/**
 * Gemini CLI's private per-session config. `GEMINI_CLI_HOME` relocates all of `~/.gemini` into
 * the session directory; our hooks and switches go into that (user-level) settings file.
 *
 * Gemini merges a repository's `.gemini/settings.json` OVER user settings, and the only layer
 * above it (system settings) must be owned by root in root-owned, non-writable directories
 * (measured on 0.61: anything under /tmp is skipped with a warning), which a user's lane cannot
 * provide. So a repository whose settings would turn our hooks off, load its `.env`, or run its
 * own hook commands outside the policy is refused at start with the reason (`checkWorkspace`),
 * and the agent can never write that file (builtin self-protection). `hooksConfig.disabled` is
 * a union across layers, so the hook's name is random per session: a repo cannot name it.
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

  const problem = await checkWorkspace(input.workspaceRoot);
  if (problem) throw new AgentConfigError(problem);

  const hookName = `agentlane-${randomBytes(6).toString('hex')}`;
  const ours = {
    hooksConfig: { enabled: true },
    hooks: {
      BeforeTool: [{ matcher: '.*', hooks: [{ name: hookName, type: 'command', command: pre.command, timeout: input.hookTimeoutSeconds * 1000 }] }],
      AfterTool: [{ matcher: '.*', hooks: [{ name: `${hookName}-after`, type: 'command', command: post.command, timeout: 15000 }] }],
    },
    // Gemini would load the workspace .env into its own environment, so every shell command the
    // agent runs would see those secrets.
    advanced: { ignoreLocalEnv: true },
  };

  // The user's login and preferences come along; their hooks do not (they run unsupervised).
  const userDot = path.join(input.userHome ?? os.homedir(), '.gemini');
  const user = await readJsonObject(path.join(userDot, 'settings.json'));
  delete user.hooks;
  delete user.hooksConfig;
  const security = (user.security ?? {}) as { auth?: { selectedType?: string } };
  if (!security.auth?.selectedType && process.env.GEMINI_API_KEY) {
    user.security = { ...security, auth: { ...security.auth, selectedType: 'gemini-api-key' } };
  }
  const userFile = path.join(dotGemini, 'settings.json');
  const advanced = (user.advanced ?? {}) as Record<string, unknown>;
  const merged = { ...user, hooksConfig: ours.hooksConfig, hooks: ours.hooks, advanced: { ...advanced, ...ours.advanced } };
  await fsp.writeFile(userFile, JSON.stringify(merged, null, 2), { mode: 0o600 });
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
      // Hooks only run in a trusted folder.
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      // Otherwise Gemini relaunches itself and the parent ignores SIGTERM: the lane could not stop it.
      GEMINI_CLI_NO_RELAUNCH: 'true',
    },
    // A system settings file could undo ours; Gemini only honours root-owned ones, but say so anyway.
    unsetEnv: ['GEMINI_CLI_SYSTEM_SETTINGS_PATH', 'GEMINI_CLI_SYSTEM_DEFAULTS_PATH'],
    files,
    configFile: userFile,
  };
}

export class AgentConfigError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AgentConfigError';
  }
  static is(e: unknown): e is AgentConfigError {
    return e instanceof AgentConfigError;
  }
}

/**
 * Why the repository's Gemini settings rule out a supervised session, or undefined. Unreadable
 * or non-JSON settings are a reason too: we cannot tell what Gemini would make of them.
 */
export async function checkWorkspace(workspaceRoot: string): Promise<string | undefined> {
  const file = path.join(workspaceRoot, '.gemini', 'settings.json');
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); Gemini would apply it over Agent Lane's hooks`;
  }
  let v: unknown;
  try {
    v = JSON.parse(stripJsonComments(text));
  } catch {
    return `${file} is not JSON Agent Lane can read; Gemini would apply it over Agent Lane's hooks — fix or remove it`;
  }
  const s = (v && typeof v === 'object' ? v : {}) as Record<string, Record<string, unknown> | undefined>;
  const found: string[] = [];
  if (s.hooksConfig && Object.keys(s.hooksConfig).length > 0) found.push('`hooksConfig` (can turn Agent Lane\'s hooks off)');
  if (s.hooks && Object.keys(s.hooks).length > 0) found.push('`hooks` (commands Gemini would run outside the policy)');
  if (s.advanced && 'ignoreLocalEnv' in s.advanced && s.advanced.ignoreLocalEnv !== true) found.push('`advanced.ignoreLocalEnv` (would load the workspace .env into the agent)');
  if (found.length === 0) return undefined;
  return `the repository's ${file} sets ${found.join(', ')}; Gemini applies it over Agent Lane's settings, so no supervised Gemini session starts here — remove those keys`;
}

/** Gemini accepts // and /* *\/ comments in settings.json. */
function stripJsonComments(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '');
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
