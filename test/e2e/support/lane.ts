// Runs the real Claude Code CLI under `agentlane run` (dist/cli.js) against the scripted fake
// Messages API, in a fresh git workspace with a policy, and hands back everything a test needs
// to assert on: the exit code, the parsed trace, the fake API's recordings and the workspace.
//
// The fake API lives in this process, so the lane is spawned asynchronously (a spawnSync would
// block the fake's event loop and the CLI would hang on its first request). The lane runs in
// its own process group: when a test SIGKILLs the lane, the orphaned `claude` (and whatever it
// started) is still reachable and killed at the end.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type Conversation, type FakeAnthropic, type Turn, type TurnCommon } from './fakeAnthropic';
import { claudeBin } from './runClaude';
import { TraceEventSchema, type TraceEvent, type ToolDecisionEvent } from '../../../src/core/trace/schema';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import type { VerifyResult } from '../../../src/core/trace/verifyTypes';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CLI_JS = path.join(REPO_ROOT, 'dist/cli.js');
export const SUPERVISOR = 'Sam Supervisor <sam@example.com>';

/** The directories of one lane run; every path is real (no symlinks) so policy paths match. */
export interface LaneDirs {
  /** Temp root holding everything below; removed at the end unless KEEP_E2E=1. */
  root: string;
  /** The workspace (git repository, cwd of the agent). */
  ws: string;
  /** Private HOME of the agent. */
  home: string;
  /** --trace-dir. */
  traces: string;
  /** TMPDIR of the lane and the agent (the lane's private session dir lands here). */
  tmp: string;
  /** Outside the workspace: scratch files for tests (approver state, MCP config, side-effect targets). */
  scratch: string;
}

type OrFn<T> = T | ((d: LaneDirs) => T);

/** Scripted turns with one tool call each, built the same way in every scenario. */
export const turn = {
  call: (name: string, input: Record<string, unknown>, id: string, extra: TurnCommon = {}): Turn => ({ ...extra, toolUses: [{ name, input, id }] }),
  write: (d: LaneDirs, rel: string, content: string, id: string, extra?: TurnCommon): Turn =>
    turn.call('Write', { file_path: path.join(d.ws, rel), content }, id, extra),
  read: (d: LaneDirs, rel: string, id: string, extra?: TurnCommon): Turn => turn.call('Read', { file_path: path.join(d.ws, rel) }, id, extra),
  bash: (command: string, id: string, extra?: TurnCommon): Turn => turn.call('Bash', { command }, id, extra),
};

export interface SignalPlan {
  signal: 'SIGUSR1' | 'SIGKILL' | 'SIGTERM';
  /**
   * Send the signal when the fake API has received this many turn requests of the main
   * conversation (give that turn a `delayMs` so the signal lands before the CLI's next tool call)…
   */
  afterTurnRequests?: number;
  /** … or when the trace holds this many tool.decision events … */
  afterDecisions?: number;
  /** … or when this returns true (gets the lane's pid). */
  when?: (pid: number) => boolean;
  /** Runs right after the signal was sent. */
  then?: () => void;
  /** Wait until the trace shows this event after signalling (e.g. 'session.freeze'). */
  thenAwaitEvent?: TraceEvent['event'];
}

export interface RunLaneOptions {
  /** `.agentlane/policy.yaml` (YAML text). */
  policy: string;
  /** Workspace files (relative path → content), committed in the initial commit. */
  files?: OrFn<Record<string, string>>;
  /** Files in the agent's private HOME (relative path → content). */
  homeFiles?: Record<string, string>;
  /** Runs after the workspace is written and committed, before the lane starts (links, untracked files). */
  setup?: (d: LaneDirs) => void;
  /** Main conversation turns … */
  script?: OrFn<Turn[]>;
  /** … or several conversations (subagents are matched by their prompt). */
  conversations?: OrFn<Conversation[]>;
  /** Extra `agentlane run` options (before `--`). */
  laneArgs?: OrFn<string[]>;
  /** Extra agent options (after `-p …`). */
  agentArgs?: OrFn<string[]>;
  /** `--approver CMD`; without it the lane runs with `--approve-none`. */
  approver?: OrFn<string>;
  /** Extra env for the lane (and so for the agent and its Bash tool). */
  env?: Record<string, string>;
  prompt?: string;
  signal?: SignalPlan;
  /** Return a run without a trace (the lane refused to start) instead of throwing. */
  allowNoTrace?: boolean;
  /** Kill the whole process group after this long (default 90 s). */
  timeoutMs?: number;
}

export interface DecisionView {
  tool: string;
  decision: string;
  /** First rule's key (e.g. `paths.deny[0]`). */
  rule: string | undefined;
  line: number | undefined;
  message: string;
  agentId: string | undefined;
  toolUseId: string;
  event: ToolDecisionEvent;
}

export interface LaneRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The print-mode result line (`--output-format json`), when there was one. */
  result: Record<string, unknown> | undefined;
  trace: TraceEvent[];
  traceFile: string;
  verify: VerifyResult;
  dirs: LaneDirs;
  ws: string;
  api: FakeAnthropic;
  /** pid of the `agentlane run` process. */
  pid: number;
  decisions(): DecisionView[];
  events<K extends TraceEvent['event']>(kind: K): Array<Extract<TraceEvent, { event: K }>>;
  /** Tool results the CLI sent back to the fake model, by tool_use id order. */
  toolResults(): ReturnType<FakeAnthropic['toolResults']>;
  /** Absolute path inside the workspace. */
  file(rel: string): string;
  /** Stops leftovers and removes the temp dirs (unless KEEP_E2E=1). Idempotent. */
  cleanup(): Promise<void>;
}

const live = new Set<() => Promise<void>>();

/** For `after()` hooks: stops every lane run that was not cleaned up. */
export async function cleanupAllLanes(): Promise<void> {
  for (const c of [...live]) await c();
}

export function makeDirs(prefix = 'al-lane-'): LaneDirs {
  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));
  const d: LaneDirs = {
    root,
    ws: path.join(root, 'ws'),
    home: path.join(root, 'home'),
    traces: path.join(root, 'traces'),
    tmp: path.join(root, 'tmp'),
    scratch: path.join(root, 'scratch'),
  };
  for (const dir of [d.ws, d.home, d.tmp, d.scratch]) fs.mkdirSync(dir, { recursive: true });
  return d;
}

function resolve<T>(v: OrFn<T> | undefined, d: LaneDirs): T | undefined {
  return typeof v === 'function' ? (v as (d: LaneDirs) => T)(d) : v;
}

function git(ws: string, args: string[]): void {
  execFileSync('git', args, {
    cwd: ws,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: ws,
      GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com',
    },
  });
}

export function writeWorkspace(d: LaneDirs, policy: string, files: Record<string, string>): void {
  const all: Record<string, string> = { '.agentlane/policy.yaml': policy, ...files };
  for (const [rel, content] of Object.entries(all)) {
    const abs = path.join(d.ws, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  git(d.ws, ['init', '-q', '-b', 'main']);
  git(d.ws, ['add', '-A']);
  git(d.ws, ['commit', '-q', '-m', 'initial']);
}

export function parseTrace(text: string): TraceEvent[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => TraceEventSchema.parse(JSON.parse(l)));
}

function readTraceSafe(file: string | undefined): TraceEvent[] {
  if (!file) return [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // While the lane is writing, the last line may be partial: keep complete lines only.
  const lines = text.split('\n');
  lines.pop();
  const out: TraceEvent[] = [];
  for (const l of lines) {
    try {
      out.push(TraceEventSchema.parse(JSON.parse(l)));
    } catch {
      // a torn or foreign line: the final verification reports it
    }
  }
  return out;
}

function findTraceFile(traces: string): string | undefined {
  try {
    const files = fs.readdirSync(traces).filter((f) => f.endsWith('.trace.jsonl'));
    return files.length === 1 ? path.join(traces, files[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Kills a process group we started (by its leader's pid); ignores "no such process". */
export function killGroup(pid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for `p` at most `ms`; leaves no timer behind (mocha waits for pending timers). */
async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

export function agentEnv(d: LaneDirs, apiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: d.home,
    TMPDIR: d.tmp,
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ...extra,
  };
}

export async function runLane(o: RunLaneOptions): Promise<LaneRun> {
  const d = makeDirs();
  writeWorkspace(d, o.policy, resolve(o.files, d) ?? {});
  for (const [rel, content] of Object.entries(o.homeFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(d.home, rel)), { recursive: true });
    fs.writeFileSync(path.join(d.home, rel), content, { mode: 0o600 });
  }
  o.setup?.(d);
  const script = resolve(o.script, d);
  const conversations = resolve(o.conversations, d);
  const api = await startFakeAnthropic({ script, conversations: conversations ? [...conversations] : undefined });

  const approver = resolve(o.approver, d);
  const laneArgs = [
    'run', '--cwd', d.ws, '--trace-dir', d.traces, '--managed', 'none', '--supervisor', SUPERVISOR,
    ...(approver ? ['--approver', approver] : ['--approve-none']),
    ...(resolve(o.laneArgs, d) ?? []),
  ];
  const agentArgs = [
    // No --model: the suites run on the CLI's default model, as a user who changes nothing does.
    claudeBin(), '-p', o.prompt ?? 'go', '--output-format', 'json',
    '--permission-mode', 'default', ...(resolve(o.agentArgs, d) ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, [CLI_JS, ...laneArgs, '--', ...agentArgs], {
    cwd: d.ws,
    env: agentEnv(d, api.url, o.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start agentlane run');

  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    live.delete(cleanup);
    killGroup(pid);
    await api.close();
    if (process.env.KEEP_E2E === '1') process.stderr.write(`KEEP_E2E: lane dirs kept in ${d.root}\n`);
    else fs.rmSync(d.root, { recursive: true, force: true });
  };
  live.add(cleanup);

  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  const closed = new Promise<void>((res) => child.once('close', () => res()));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, o.timeoutMs ?? 90_000);

  try {
    if (o.signal) await deliverSignal(o.signal, pid, api, d, exited);
    const { code, signal } = await exited;
    // After a SIGKILL the orphaned CLI keeps our pipes open until it finishes on its own.
    await withTimeout(closed, o.signal?.signal === 'SIGKILL' ? 60_000 : 10_000);
    clearTimeout(timer);
    killGroup(pid);
    for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(20);

    const m = /agentlane: trace (\S+) \(/.exec(stderr);
    const traceFile = m?.[1] ?? findTraceFile(d.traces);
    if (!traceFile && !o.allowNoTrace) throw new Error(`no trace file (exit ${String(code)}):\n${stderr}`);
    const trace = traceFile ? parseTrace(fs.readFileSync(traceFile, 'utf8')) : [];
    const verify: VerifyResult = traceFile
      ? await verifyTraceFile(traceFile, { schema: 'all' })
      : { ok: false, firstBadSeq: 0, kind: 'truncated', line: 0, message: 'no trace file', sessionId: null };
    let result: Record<string, unknown> | undefined;
    try {
      const v: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? '');
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) result = v as Record<string, unknown>;
    } catch {
      result = undefined;
    }
    const decisions = (): DecisionView[] => trace.filter((e): e is ToolDecisionEvent => e.event === 'tool.decision').map((e) => ({
      tool: e.tool, decision: e.decision, rule: e.rules[0]?.rule, line: e.rules[0]?.line, message: e.rules[0]?.message ?? '',
      agentId: e.agent_id, toolUseId: e.tool_use_id, event: e,
    }));
    return {
      exitCode: code, signal, timedOut, stdout, stderr, result, trace, traceFile: traceFile ?? '', verify, dirs: d, ws: d.ws, api, pid,
      decisions,
      events: <K extends TraceEvent['event']>(kind: K) => trace.filter((e): e is Extract<TraceEvent, { event: K }> => e.event === kind),
      toolResults: () => api.toolResults(),
      file: (rel) => path.join(d.ws, rel),
      cleanup,
    };
  } catch (err) {
    clearTimeout(timer);
    await cleanup();
    throw err;
  }
}

async function deliverSignal(
  plan: SignalPlan, pid: number, api: FakeAnthropic, d: LaneDirs,
  exited: Promise<unknown>,
): Promise<void> {
  let done = false;
  void exited.then(() => { done = true; });
  const ready = (): boolean => {
    if (plan.afterTurnRequests !== undefined) {
      return api.turnRequests().length >= plan.afterTurnRequests;
    }
    if (plan.afterDecisions !== undefined) {
      return readTraceSafe(findTraceFile(d.traces)).filter((e) => e.event === 'tool.decision').length >= plan.afterDecisions;
    }
    if (plan.when) return plan.when(pid);
    return true;
  };
  while (!done && !ready()) await sleep(10);
  if (done) throw new Error(`the lane exited before the ${plan.signal} was due`);
  process.kill(pid, plan.signal);
  plan.then?.();
  if (plan.thenAwaitEvent) {
    const want = plan.thenAwaitEvent;
    while (!done && !readTraceSafe(findTraceFile(d.traces)).some((e) => e.event === want)) await sleep(10);
  }
}

/** Markdown-ish dump for assertion messages. */
export function describeRun(r: LaneRun): string {
  const ds = r.decisions().map((x) => `  ${x.tool} ${x.decision} ${x.rule ?? ''}${x.agentId ? ` agent=${x.agentId}` : ''}: ${x.message}`).join('\n');
  const trs = r.toolResults().map((t) => `  ${t.toolName ?? '?'} err=${String(t.is_error)}: ${t.content.slice(0, 300)}`).join('\n');
  return `exit=${String(r.exitCode)} signal=${String(r.signal)}\ndecisions:\n${ds}\ntool results:\n${trs}\nstderr:\n${r.stderr.slice(-2000)}`;
}
