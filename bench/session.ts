/**
 * Session overhead of a supervised lane: the same scripted 50-tool-call session (one Read a
 * turn, offline against the fake Messages API) run by the real Claude Code CLI bare, and under
 * `agentlane run` (http hooks → broker → policy → fsync'd trace). Runs are interleaved;
 * medians over RUNS each, after one warm-up of each.
 *
 *   node esbuild.mjs && scripts/install-claude.sh && npx tsx bench/session.ts
 *
 * "added per tool call" compares the CLI's own `duration_ms` (result line), so it excludes
 * process start-up; the lane's fixed start-up cost (node + policy + trace + hook server) is
 * reported separately from the wall clock.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeAnthropic, type Turn } from '../test/e2e/support/fakeAnthropic';
import { claudeBin, claudeInstalled } from '../test/e2e/support/runClaude';
import { agentEnv, CLI_JS as BUILT_CLI, makeDirs, SUPERVISOR, writeWorkspace, type LaneDirs } from '../test/e2e/support/lane';
import { printTable, type BenchRow } from './stats';

/** `BENCH_CLI=/path/to/cli.js` compares another build (e.g. of an older commit). */
const CLI_JS = process.env.BENCH_CLI ?? BUILT_CLI;
const CALLS = 50;
const RUNS = Number(process.env.BENCH_SESSION_RUNS ?? 3);
export const SESSION_POLICY = `version: 1
mode: build
paths:
  deny: ["**/.env*"]
  write: ["src/**"]
shell:
  otherwise: allow
network:
  otherwise: deny
`;

interface RunResult { wallMs: number; cliMs: number; turns: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One boxed lane session with the bench's script (bench/sandbox.ts compares policies). */
export function sessionOnce(o: { policy: string }): Promise<RunResult> {
  return once(true, 'fsync', o.policy);
}

async function once(lane: boolean, durability: 'fsync' | 'none' = 'fsync', policy = SESSION_POLICY): Promise<RunResult> {
  const d: LaneDirs = makeDirs('al-bench-session-');
  const files: Record<string, string> = {};
  for (let i = 0; i < CALLS; i++) files[`data/f${String(i).padStart(2, '0')}.txt`] = `file ${i}\n`.repeat(20);
  writeWorkspace(d, policy, files);
  const script: Turn[] = [];
  for (let i = 0; i < CALLS; i++) {
    script.push({ toolUses: [{ name: 'Read', input: { file_path: path.join(d.ws, `data/f${String(i).padStart(2, '0')}.txt`) } }] });
  }
  script.push({ text: 'done' });
  const api = await startFakeAnthropic({ script });
  const claudeArgs = [claudeBin(), '-p', 'go', '--model', 'claude-sonnet-4-5', '--output-format', 'json', '--permission-mode', 'default'];
  const [cmd, ...args] = lane
    ? [process.execPath, CLI_JS, 'run', '--cwd', d.ws, '--trace-dir', d.traces, '--managed', 'none', '--supervisor', SUPERVISOR, '--approve-none', '--durability', durability, '--', ...claudeArgs]
    : claudeArgs;
  try {
    const t0 = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: d.ws, env: agentEnv(d, api.url), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.once('error', reject);
      child.once('close', (c) => { clearTimeout(timer); resolve({ code: c, stdout: out, stderr: err }); });
    });
    const wallMs = performance.now() - t0;
    if (code !== 0) throw new Error(`${lane ? 'lane' : 'bare'} run failed (${String(code)}): ${stderr.slice(-2000)}`);
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { duration_ms?: number; num_turns?: number; permission_denials?: unknown[] };
    if ((result.permission_denials ?? []).length > 0) throw new Error(`denials in the bench session: ${JSON.stringify(result.permission_denials)}`);
    const turns = api.turnRequests().length;
    if (turns !== CALLS + 1) throw new Error(`expected ${CALLS + 1} turns, got ${turns}`);
    if (lane) {
      const trace = fs.readdirSync(d.traces).map((f) => fs.readFileSync(path.join(d.traces, f), 'utf8')).join('');
      const decisions = trace.split('\n').filter((l) => l.includes('"event":"tool.decision"')).length;
      if (decisions !== CALLS) throw new Error(`expected ${CALLS} decisions in the trace, got ${decisions}`);
    }
    return { wallMs, cliMs: result.duration_ms ?? NaN, turns };
  } finally {
    await api.close();
    fs.rmSync(d.root, { recursive: true, force: true });
  }
}

export async function benchSession(): Promise<BenchRow[]> {
  if (!claudeInstalled()) throw new Error(`no Claude Code CLI at ${claudeBin()}: run scripts/install-claude.sh`);
  if (!fs.existsSync(CLI_JS)) throw new Error(`no ${CLI_JS}: run node esbuild.mjs`);
  await once(false);
  await once(true);
  const bare: RunResult[] = [];
  const lane: RunResult[] = [];
  const laneNoSync: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await once(false));
    lane.push(await once(true));
    laneNoSync.push(await once(true, 'none'));
  }
  // Paired differences (run i of each variant ran back to back) are steadier on a busy machine
  // than a difference of medians; the minima give the best case.
  const paired = (xs: RunResult[]): number => median(xs.map((r, i) => (r.cliMs - bare[i].cliMs) / CALLS));
  const best = (xs: RunResult[]): number => (Math.min(...xs.map((r) => r.cliMs)) - Math.min(...bare.map((r) => r.cliMs))) / CALLS;
  const perCall = paired(lane);
  const wallPerCall = median(lane.map((r, i) => (r.wallMs - bare[i].wallMs) / CALLS));
  const fixed = median(lane.map((r, i) => (r.wallMs - bare[i].wallMs) - (r.cliMs - bare[i].cliMs)));
  const ms = (x: number): number => Number(x.toFixed(2));
  return [
    { name: 'session bare (CLI duration_ms)', value: Math.round(median(bare.map((r) => r.cliMs))), unit: 'ms', note: `${CALLS} Read calls; runs: ${bare.map((r) => Math.round(r.cliMs)).join(', ')}` },
    { name: 'session under lane (CLI duration_ms)', value: Math.round(median(lane.map((r) => r.cliMs))), unit: 'ms', note: `runs: ${lane.map((r) => Math.round(r.cliMs)).join(', ')}` },
    { name: 'added per tool call', value: ms(perCall), unit: 'ms', note: `median of ${RUNS} paired runs; target ≤ 15 ms: ${perCall <= 15 ? 'ok' : 'MISSED'}` },
    { name: 'added per tool call (best runs)', value: ms(best(lane)), unit: 'ms', note: 'fastest lane run minus fastest bare run' },
    { name: 'added per tool call, --durability none', value: ms(paired(laneNoSync)), unit: 'ms', note: `best runs: ${ms(best(laneNoSync))} ms; the rest is the disk (fdatasync)` },
    { name: 'added per tool call (wall clock)', value: ms(wallPerCall), unit: 'ms', note: 'includes the lane start-up, spread over the calls' },
    { name: 'lane fixed start-up + close', value: Math.round(fixed), unit: 'ms', note: 'wall delta minus CLI delta' },
  ];
}

if (require.main === module) {
  benchSession().then((rows) => printTable('supervised session overhead (real CLI, fake API)', rows), (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
