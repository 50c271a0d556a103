// Runs the real Claude Code CLI headless (print mode) against a fake Messages API, in a private
// HOME and a temp workspace, so e2e tests never touch the developer's ~/.claude or the network.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Path of the CLI installed by scripts/install-claude.sh (override with CLAUDE_BIN). */
export function claudeBin(): string {
  const fromEnv = process.env.CLAUDE_BIN;
  if (fromEnv) return fromEnv;
  return path.join(REPO_ROOT, '.vscode-test/claude/node_modules/.bin/claude');
}

export function claudeInstalled(): boolean {
  try {
    fs.accessSync(claudeBin(), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RunClaudeOptions {
  prompt: string;
  /** ANTHROPIC_BASE_URL, e.g. FakeAnthropic.url. */
  baseUrl: string;
  /** Workspace (cwd). Default: a fresh temp dir. */
  cwd?: string;
  /** Private HOME. Default: a fresh temp dir (transcripts land in <home>/.claude/projects/…). */
  home?: string;
  /** Settings object (written to a temp file) or a path; passed with --settings. */
  settings?: Record<string, unknown> | string;
  /** Passed with --mcp-config (object → temp file); implies --strict-mcp-config. */
  mcpConfig?: Record<string, unknown>;
  /**
   * --model. Default: none, so the CLI runs its own default model (claude-opus-5-5, $4/$20 per
   * MTok by its own total_cost_usd), as a user who changes nothing does.
   */
  model?: string;
  /** --permission-mode. Default 'default' (our PreToolUse hooks are the gate; see facts doc). */
  permissionMode?: 'default' | 'manual' | 'acceptEdits' | 'bypassPermissions' | 'plan' | 'dontAsk' | 'auto';
  maxTurns?: number;
  outputFormat?: 'stream-json' | 'json' | 'text';
  /** --allowedTools entries (permission rules), e.g. ['Bash', 'Read']. */
  allowedTools?: string[];
  extraArgs?: string[];
  /** Extra env for the CLI (and therefore for its Bash tool and command hooks). */
  env?: Record<string, string>;
  /** Kill the CLI after this long (default 60 s). */
  timeoutMs?: number;
}

export interface RunClaudeResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  /** stdout lines that parsed as JSON (stream-json: one event a line; json: the one result). */
  lines: unknown[];
  /** The print-mode `{"type":"result",…}` object, when there was one. */
  result: Record<string, unknown> | undefined;
  stderr: string;
  durationMs: number;
  home: string;
  cwd: string;
  args: string[];
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function buildArgs(o: RunClaudeOptions, files: { settings?: string; mcp?: string }): string[] {
  const args = ['-p', o.prompt, '--output-format', o.outputFormat ?? 'stream-json'];
  // stream-json in print mode requires --verbose (the CLI refuses otherwise).
  if ((o.outputFormat ?? 'stream-json') === 'stream-json') args.push('--verbose');
  if (o.model !== undefined) args.push('--model', o.model);
  args.push('--permission-mode', o.permissionMode ?? 'default');
  if (o.maxTurns !== undefined) args.push('--max-turns', String(o.maxTurns));
  if (files.settings) args.push('--settings', files.settings);
  // Only our MCP config, never one from the private HOME or the workspace.
  if (files.mcp) args.push('--mcp-config', files.mcp, '--strict-mcp-config');
  if (o.allowedTools && o.allowedTools.length > 0) args.push('--allowedTools', ...o.allowedTools);
  args.push(...(o.extraArgs ?? []));
  return args;
}

export async function runClaude(o: RunClaudeOptions): Promise<RunClaudeResult> {
  const home = o.home ?? tempDir('al-claude-home-');
  const cwd = o.cwd ?? tempDir('al-claude-ws-');
  const scratch = tempDir('al-claude-cfg-');
  const files: { settings?: string; mcp?: string } = {};
  if (typeof o.settings === 'string') files.settings = o.settings;
  else if (o.settings) {
    files.settings = path.join(scratch, 'settings.json');
    fs.writeFileSync(files.settings, JSON.stringify(o.settings, null, 2));
  }
  if (o.mcpConfig) {
    files.mcp = path.join(scratch, 'mcp.json');
    fs.writeFileSync(files.mcp, JSON.stringify(o.mcpConfig, null, 2));
  }
  const args = buildArgs(o, files);

  // A clean env: nothing from the developer's shell (a real ANTHROPIC_API_KEY, proxies, …) leaks in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: os.tmpdir(),
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: o.baseUrl,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ...o.env,
  };

  const started = Date.now();
  const child = spawn(claudeBin(), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    // A CLI stuck in a hook may ignore SIGTERM: make sure it dies.
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }, o.timeoutMs ?? 60_000);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  fs.rmSync(scratch, { recursive: true, force: true });

  const lines: unknown[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(t));
    } catch {
      // not JSON: keep it only in `stdout`
    }
  }
  const result = lines.filter(isRecord).find((l) => l.type === 'result');
  return { exitCode: code, signal, timedOut, stdout, lines, result, stderr, durationMs: Date.now() - started, home, cwd, args };
}
