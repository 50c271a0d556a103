// Runs the real Gemini CLI or Codex CLI under `agentlane run` (dist/cli.js) against the scripted
// fake model wire (fakeAgentModels.ts), in a fresh git workspace with a policy, and hands back
// the exit code, the parsed and verified trace, the fake's recordings and the workspace.
// Same shape as lane.ts does for Claude Code; the lane runs in its own process group so a test
// can SIGKILL it and still reap the orphaned CLI.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_JS, REPO_ROOT, SUPERVISOR, killGroup, makeDirs, parseTrace, writeWorkspace, type LaneDirs } from './lane';
import { startFakeGemini, startFakeResponses, type AgentTurn, type FakeModel } from './fakeAgentModels';
import type { TraceEvent, ToolDecisionEvent } from '../../../src/core/trace/schema';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import type { VerifyResult } from '../../../src/core/trace/verifyTypes';

export type OtherAgent = 'gemini' | 'codex';

export const GEMINI_MODEL = 'gemini-2.5-flash';
export const CODEX_MODEL = 'gpt-5.5';

export function agentBin(kind: OtherAgent): string {
  return path.join(REPO_ROOT, '.vscode-test', kind, 'node_modules', '.bin', kind);
}

export function agentInstalled(kind: OtherAgent): boolean {
  try {
    execFileSync(agentBin(kind), ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export interface AgentRunOptions {
  kind: OtherAgent;
  policy: string;
  files?: Record<string, string>;
  script: (d: LaneDirs) => AgentTurn[];
  laneArgs?: string[];
  /** Extra agent options. */
  agentArgs?: string[];
  /** SIGKILL the lane (broker and all) once the trace holds this many tool results. */
  killLaneAfterResults?: number;
  timeoutMs?: number;
  /** Managed policy layer (YAML); default none. */
  managedPolicy?: string;
  /** The lane is expected to refuse to start: hand back the run without a trace. */
  allowNoTrace?: boolean;
}

export interface AgentRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  trace: TraceEvent[];
  verify: VerifyResult;
  dirs: LaneDirs;
  model: FakeModel;
  decisions(): Array<{ tool: string; decision: string; rule: string | undefined; message: string; event: ToolDecisionEvent }>;
  file(rel: string): string;
  cleanup(): Promise<void>;
}

/** The agent's command line after `agentlane run … --`. */
export function agentCommand(kind: OtherAgent, modelUrl: string, prompt: string, extra: string[] = []): { argv: string[]; env: Record<string, string> } {
  if (kind === 'gemini') {
    return {
      argv: [agentBin('gemini'), '--yolo', '-m', GEMINI_MODEL, '-o', 'json', ...extra, '-p', prompt],
      env: { GOOGLE_GEMINI_BASE_URL: modelUrl, GEMINI_API_KEY: 'test-key' },
    };
  }
  return {
    argv: [
      agentBin('codex'), 'exec', '--skip-git-repo-check', '--json', '--dangerously-bypass-approvals-and-sandbox',
      '-c', 'model_provider="fake"',
      '-c', `model_providers.fake={ name = "fake", base_url = "${modelUrl}/v1", env_key = "FAKE_OPENAI_KEY", wire_api = "responses" }`,
      '-m', CODEX_MODEL, ...extra, prompt,
    ],
    env: { FAKE_OPENAI_KEY: 'test-key' },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function traceFileIn(dir: string): string | undefined {
  try {
    const f = fs.readdirSync(dir).filter((x) => x.endsWith('.trace.jsonl'));
    return f.length === 1 ? path.join(dir, f[0]) : undefined;
  } catch {
    return undefined;
  }
}

function resultsSoFar(dir: string): number {
  const f = traceFileIn(dir);
  if (!f) return 0;
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('"event":"tool.result"')).length;
}

export async function runAgentLane(o: AgentRunOptions): Promise<AgentRun> {
  const d = makeDirs(`al-${o.kind}-`);
  writeWorkspace(d, o.policy, o.files ?? {});
  const model = o.kind === 'gemini' ? await startFakeGemini(o.script(d)) : await startFakeResponses(o.script(d));
  const cmd = agentCommand(o.kind, model.url, 'go', o.agentArgs);
  const managed = o.managedPolicy === undefined ? 'none' : path.join(d.scratch, 'managed-policy.yaml');
  if (o.managedPolicy !== undefined) fs.writeFileSync(managed, o.managedPolicy);
  const laneArgs = ['run', '--cwd', d.ws, '--trace-dir', d.traces, '--managed', managed, '--supervisor', SUPERVISOR, '--approve-none', ...(o.laneArgs ?? [])];
  const child = spawn(process.execPath, [CLI_JS, ...laneArgs, '--', ...cmd.argv], {
    cwd: d.ws,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: d.home, TMPDIR: d.tmp, LANG: 'C.UTF-8', ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start agentlane run');
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let exited = false;
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => { exited = true; res(code); }));
  const timer = setTimeout(() => killGroup(pid), o.timeoutMs ?? 120_000);

  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    killGroup(pid);
    await model.close();
    if (process.env.KEEP_E2E === '1') process.stderr.write(`KEEP_E2E: lane dirs kept in ${d.root}\n`);
    else fs.rmSync(d.root, { recursive: true, force: true });
  };

  if (o.killLaneAfterResults !== undefined) {
    while (!exited && resultsSoFar(d.traces) < o.killLaneAfterResults) await sleep(10);
    // Only the lane process: the CLI it started lives on, its hooks now find no broker.
    if (!exited) process.kill(pid, 'SIGKILL');
  }
  let exitCode = await exit;
  if (o.killLaneAfterResults !== undefined) {
    // Wait for the orphaned CLI (still in the group) to finish its script on its own.
    for (let i = 0; i < 1500; i++) {
      try { process.kill(-pid, 0); } catch { break; }
      await sleep(40);
    }
    exitCode = null;
  }
  clearTimeout(timer);
  killGroup(pid);

  const traceFile = traceFileIn(d.traces);
  if (!traceFile || (o.allowNoTrace && fs.statSync(traceFile).size === 0)) {
    if (o.allowNoTrace) {
      return {
        exitCode, stdout, stderr, trace: [], verify: { ok: false, firstBadSeq: 0, kind: 'truncated', line: 0, message: 'no trace', sessionId: null },
        dirs: d, model, decisions: () => [], file: (rel) => path.join(d.ws, rel), cleanup,
      };
    }
    await cleanup();
    throw new Error(`no trace (exit ${String(exitCode)}):\n${stderr.slice(-3000)}`);
  }
  const trace = parseTrace(fs.readFileSync(traceFile, 'utf8').split('\n').filter((l) => l.endsWith('}')).join('\n'));
  const verify = await verifyTraceFile(traceFile, { schema: 'all' });
  return {
    exitCode, stdout, stderr, trace, verify, dirs: d, model,
    decisions: () => trace.filter((e): e is ToolDecisionEvent => e.event === 'tool.decision').map((e) => ({
      tool: e.tool, decision: e.decision, rule: e.rules[0]?.rule, message: e.rules[0]?.message ?? '', event: e,
    })),
    file: (rel) => path.join(d.ws, rel),
    cleanup,
  };
}

export function describeAgentRun(r: AgentRun): string {
  const ds = r.decisions().map((x) => `  ${x.tool} ${x.decision} ${x.rule ?? ''}: ${x.message}`).join('\n');
  return `exit=${String(r.exitCode)} turns=${r.model.turns()}\ndecisions:\n${ds}\nstdout:\n${r.stdout.slice(-1500)}\nstderr:\n${r.stderr.slice(-2500)}`;
}
