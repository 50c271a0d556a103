/**
 * One lane, several agent CLIs. Each CLI speaks its own hook dialect, wants its own per-session
 * config and fails in its own ways; an adapter hides that behind the few calls the lane makes:
 * recognise the CLI from its command, prepare its private config, turn its hook payload into
 * the broker's `ToolCall`, and say how a deny must look so the CLI honours it.
 *
 * Everything the agent's process sends (the payload) is a claim: adapters validate it with zod
 * and anything they cannot map becomes a deny with a reason, never "nothing to check".
 */
import type { ToolCall } from '../session/types';

export const AGENT_KINDS = ['claude-code', 'gemini', 'codex'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export function isAgentKind(v: unknown): v is AgentKind {
  return typeof v === 'string' && (AGENT_KINDS as readonly string[]).includes(v);
}

export interface PrepareInput {
  /** The lane's session id (Claude takes it as its own; the others pick their own ids). */
  sessionId: string;
  /** Private per-session directory (mode 0700, denied to the agent by the policy). */
  sessionDir: string;
  workspaceRoot: string;
  /**
   * Where the hook calls go: the broker's hook server today, a relay inside the sandbox later.
   * A parameter on purpose: nothing below assumes loopback.
   */
  hookBaseUrl: string;
  /** Bearer token of the hook server; written to a 0600 file, never into the agent's env. */
  token: string;
  /** Seconds a tool call may wait for a decision (approvals wait inside it). */
  hookTimeoutSeconds: number;
  /** Model the mission pins, when the agent command did not name one. */
  model?: string | null;
  /** The user's home, to carry their CLI login into the private config (default: os.homedir()). */
  userHome?: string;
  /** Claude only: the statusLine command for interactive sessions. */
  statusLineCommand?: string;
}

export interface PreparedAgent {
  /** Appended to the agent command. */
  args: string[];
  /** Merged over the agent's environment. */
  env: Record<string, string>;
  /** Variables removed from the agent's environment (they would undo the private config). */
  unsetEnv: string[];
  /** Every file written for this session (all under `sessionDir`). */
  files: string[];
  /** The main config file (Claude's --settings file; shown in tests and logs). */
  configFile: string;
}

export type MappedCall = { ok: true; call: ToolCall } | { ok: false; reason: string };

/** What the hook process must print and exit with so that the CLI blocks the call. */
export interface HookOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface AgentAdapter {
  kind: AgentKind;
  displayName: string;
  /** Is this command line this agent (`argv[0]` basename, `npx <pkg>`, `node …/<bin>`)? */
  detect(argv: readonly string[]): boolean;
  /** Writes the private per-session config and says how to start the agent with it. */
  prepare(input: PrepareInput): Promise<PreparedAgent>;
  /** A PreToolUse-style payload → the broker's call. `fallbackId` names calls the CLI gives no id. */
  mapToolCall(payload: unknown, fallbackId: string): MappedCall;
  /** A deny this CLI honours (measured: ../../../../shared/reference/agent-clis.md). */
  denyOutput(reason: string): HookOutput;
  /** Arguments that print the CLI's version, and how to read it. */
  versionArgs: string[];
  parseVersion(stdout: string): string | undefined;
}

/** `claude`, `/opt/bin/claude`, `npx @anthropic-ai/claude-code`, `node …/cli.js` → the names to compare. */
export function commandNames(argv: readonly string[]): string[] {
  const base = (s: string): string => s.replace(/\\/g, '/').split('/').pop() ?? s;
  const names: string[] = [];
  const first = argv[0];
  if (first === undefined) return names;
  names.push(base(first).replace(/\.(cmd|exe|js|mjs|cjs)$/i, ''));
  if (/^(npx|bunx|pnpx)$/.test(base(first)) || /^node(js)?$/.test(base(first))) {
    const next = argv.slice(1).find((a) => !a.startsWith('-'));
    if (next) names.push(next, base(next).replace(/\.(js|mjs|cjs)$/i, ''));
  }
  return names;
}

/** The first `--model X`, `--model=X`, `-m X` or `-c model="X"` on the agent's command line. */
export function modelFromArgs(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '--model' || a === '-m') && argv[i + 1]) return argv[i + 1];
    if (a.startsWith('--model=')) return a.slice('--model='.length);
    if ((a === '-c' || a === '--config') && argv[i + 1]?.startsWith('model=')) {
      return argv[i + 1].slice('model='.length).replace(/^"(.*)"$/, '$1');
    }
  }
  return null;
}
