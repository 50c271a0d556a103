/**
 * The sandbox's cost: start-up of one session's box (profile from the policy, process group,
 * proxy and relays, bubblewrap, the relays inside, `true` as the agent, close), and what the box
 * adds to each tool call of a real Claude Code session (the session bench's 50-Read session, run
 * boxed and with `sandbox: off`, paired).
 *
 *   node esbuild.mjs && npx tsx bench/sandbox.ts
 *
 * `SRT_CLI=/path/to/sandbox-runtime/dist/cli.js` also times `@anthropic-ai/sandbox-runtime`'s
 * `srt -c true` (measured when we chose to generate bubblewrap flags ourselves).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Box } from '../src/core/sandbox/box';
import { sandboxAvailability } from '../src/core/sandbox/availability';
import { compilePolicy } from '../src/core/policy/compile';
import { loadPolicyFromText } from '../src/core/policy/load';
import { printTable, type BenchRow } from './stats';
import { sessionOnce, SESSION_POLICY } from './session';

const RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 10);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function boxStartup(ws: string): Promise<number> {
  const a = sandboxAvailability();
  if (!a.ok) throw new Error(a.reason);
  const r = loadPolicyFromText('version: 1\npaths:\n  deny: ["**/.env*"]\n  write: ["src/**"]\n', path.join(ws, '.agentlane/policy.yaml'), 'workspace');
  if (!r.ok) throw new Error('bench policy invalid');
  const policy = compilePolicy({ layers: [r.layer] });
  const broker = net.createServer();
  const t0 = performance.now();
  const box = await Box.open({
    sessionId: `bench-${process.pid}-${Math.random().toString(36).slice(2)}`, policy, workspaceRoot: ws, home: os.homedir(), baseDir: os.tmpdir(),
    laneDirs: [], bwrap: a.bwrap, socat: a.socat, decideHost: () => ({ allow: false, reason: 'bench' }), onViolation: () => undefined,
    listenBroker: (socket) => new Promise<void>((res) => { broker.listen(socket, () => res()); }),
    limitsExplicit: false,
  });
  const argv = box.launch(['true'], { cwd: ws, interactive: false });
  await new Promise<void>((resolve, reject) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: 'ignore', env: box.env({ PATH: process.env.PATH }) });
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`box exited ${String(code)}`))));
  });
  await box.close();
  await new Promise<void>((res) => broker.close(() => res()));
  return performance.now() - t0;
}

export async function benchSandbox(): Promise<BenchRow[]> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'al-bench-box-'));
  fs.mkdirSync(path.join(ws, 'src'));
  fs.writeFileSync(path.join(ws, '.env'), 'X=1\n');
  spawnSync('git', ['init', '-q'], { cwd: ws });
  try {
    await boxStartup(ws);
    const ours: number[] = [];
    for (let i = 0; i < RUNS; i++) ours.push(await boxStartup(ws));
    const rows: BenchRow[] = [
      { name: 'sandbox start-up + close per session', value: Math.round(median(ours)), unit: 'ms', note: `median of ${RUNS}; target ≤ 300 ms: ${median(ours) <= 300 ? 'ok' : 'MISSED'}` },
    ];
    if (process.env.SRT_CLI) {
      const settings = path.join(ws, 'srt.json');
      fs.writeFileSync(settings, JSON.stringify({ network: { allowedDomains: [], deniedDomains: [] }, filesystem: { denyRead: [path.join(ws, '.env')], allowWrite: [path.join(ws, 'src')], denyWrite: [] } }));
      const srt: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        spawnSync(process.execPath, [process.env.SRT_CLI, '--settings', settings, '-c', 'true'], { cwd: ws, stdio: 'ignore' });
        srt.push(performance.now() - t0);
      }
      rows.push({ name: '@anthropic-ai/sandbox-runtime `srt -c true`', value: Math.round(median(srt)), unit: 'ms', note: `median of ${RUNS}, same machine and policy` });
    }
    const calls = 50;
    const off: number[] = [];
    const on: number[] = [];
    await sessionOnce({ policy: `${SESSION_POLICY}sandbox: off\n` });
    for (let i = 0; i < 3; i++) {
      off.push((await sessionOnce({ policy: `${SESSION_POLICY}sandbox: off\n` })).cliMs);
      on.push((await sessionOnce({ policy: SESSION_POLICY })).cliMs);
    }
    const added = median(on.map((x, i) => (x - off[i]) / calls));
    rows.push({ name: 'added per tool call by the box (real CLI, 50 Reads)', value: Number(added.toFixed(2)), unit: 'ms', note: `median of 3 paired runs, boxed vs sandbox: off; target ≤ 5 ms: ${added <= 5 ? 'ok' : 'MISSED'}` });
    return rows;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchSandbox().then((rows) => printTable('sandbox', rows), (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
