// Probe: what a PreToolUse hook costs per tool call. The same scripted session (20 Read calls,
// one per turn, then a final text) runs without hooks, with an http hook, and with a command
// hook that forwards the payload with curl; runs are interleaved and repeated, medians compared.
// The transcript's hook attachments also carry the CLI's own durationMs per hook call.
// Run: npx tsx test/e2e/probe/probeLatency.ts [repeats]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeAnthropic, type Turn } from '../support/fakeAnthropic';
import { runClaude } from '../support/runClaude';
import { isRecord, median, tempWorkspace } from './common';
import { startHookRecorder } from './hookRecorder';

const CALLS = 20;
const ALLOW = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } };

type Variant = 'none' | 'http-pre' | 'http-pre+post' | 'command-curl-pre';

function hookDurations(home: string, event: string): number[] {
  const out: number[] = [];
  const root = path.join(home, '.claude/projects');
  for (const d of fs.readdirSync(root)) {
    for (const f of fs.readdirSync(path.join(root, d))) {
      if (!f.endsWith('.jsonl')) continue;
      for (const line of fs.readFileSync(path.join(root, d, f), 'utf8').split('\n')) {
        if (!line.includes('"hookEvent"')) continue;
        const o: unknown = JSON.parse(line);
        const a = isRecord(o) && isRecord(o.attachment) ? o.attachment : undefined;
        if (a && a.hookEvent === event && typeof a.durationMs === 'number') out.push(a.durationMs);
      }
    }
  }
  return out;
}

async function once(variant: Variant): Promise<{ ms: number; apiMs: number; hookMs: number[] }> {
  const rec = await startHookRecorder({ responder: (c) => (c.route === 'PreToolUse' ? { body: ALLOW } : undefined) });
  const ws = tempWorkspace();
  const script: Turn[] = [];
  for (let i = 0; i < CALLS; i++) script.push({ toolUses: [{ name: 'Read', input: { file_path: path.join(ws, 'hello.txt') } }] });
  script.push({ text: 'done' });
  const api = await startFakeAnthropic({ script });
  const http = (ev: string): unknown => [{ matcher: '*', hooks: [{ type: 'http', url: `${rec.url}/hook/${ev}`, timeout: 30 }] }];
  const hooks: Record<string, unknown> = {};
  if (variant === 'http-pre' || variant === 'http-pre+post') hooks.PreToolUse = http('PreToolUse');
  if (variant === 'http-pre+post') hooks.PostToolUse = http('PostToolUse');
  if (variant === 'command-curl-pre') {
    hooks.PreToolUse = [
      { matcher: '*', hooks: [{ type: 'command', command: `curl -s -X POST -H 'content-type: application/json' --data-binary @- ${rec.url}/hook/PreToolUse` }] },
    ];
  }
  const r = await runClaude({ prompt: 'read it 20 times', baseUrl: api.url, cwd: ws, settings: { hooks }, timeoutMs: 120_000 });
  await api.close();
  await rec.close();
  if (r.exitCode !== 0 || api.toolResults().length !== CALLS) throw new Error(`${variant}: run failed: ${r.stderr}`);
  const apiMs = isRecord(r.result) && typeof r.result.duration_ms === 'number' ? r.result.duration_ms : NaN;
  return { ms: r.durationMs, apiMs, hookMs: variant === 'none' ? [] : hookDurations(r.home, 'PreToolUse') };
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5);
  const variants: Variant[] = ['none', 'http-pre', 'http-pre+post', 'command-curl-pre'];
  const wall: Record<string, number[]> = {};
  const inCli: Record<string, number[]> = {};
  const hookMs: Record<string, number[]> = {};
  await once('none'); // warm-up (page cache for the 380 MB binary)
  for (let i = 0; i < repeats; i++) {
    for (const v of variants) {
      const m = await once(v);
      (wall[v] ??= []).push(m.ms);
      (inCli[v] ??= []).push(m.apiMs);
      (hookMs[v] ??= []).push(...m.hookMs);
    }
  }
  const base = median(wall.none ?? []);
  const baseIn = median(inCli.none ?? []);
  for (const v of variants) {
    const w = median(wall[v] ?? []);
    const c = median(inCli[v] ?? []);
    console.log(
      JSON.stringify({
        variant: v,
        runs: wall[v],
        medianWallMs: w,
        medianResultDurationMs: c,
        addedPerToolCallMs_wall: +((w - base) / CALLS).toFixed(1),
        addedPerToolCallMs_resultDuration: +((c - baseIn) / CALLS).toFixed(1),
        cliReportedHookDurationMs_median: hookMs[v]?.length ? median(hookMs[v] ?? []) : undefined,
        cliReportedHookDurationMs_p90: hookMs[v]?.length ? [...(hookMs[v] ?? [])].sort((a, b) => a - b)[Math.floor((hookMs[v]?.length ?? 0) * 0.9)] : undefined,
      }),
    );
  }
}
void main();
