/**
 * The model gateway's cost per request: the same requests sent straight to a local upstream
 * and through the gateway (interleaved, keep-alive on both paths), with a realistic Claude Code
 * request body (~100 KB: system prompt, tools, history). Reports the added latency at p50/p99,
 * the time to the first streamed byte on both paths, throughput under concurrency, and the
 * extra cost of `model.redact`.
 *
 *   npx tsx bench/gateway.ts      (or npm run bench -- --only gateway)
 */
import { fork } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PRICES } from '../src/core/budget/prices';
import { openModelGateway, type ModelGateway } from '../src/core/gateway';
import { percentile, printTable, type BenchRow } from './stats';

const REQUESTS = Number(process.env.BENCH_GATEWAY_REQUESTS ?? 1500);
const CONCURRENCY = 16;
const THROUGHPUT_MS = 3000;
/** The upstream holds the rest of the stream this long after the first event (TTFB runs). */
const STREAM_GAP_MS = 20;

/**
 * The upstream runs in its own process, as the real one runs on another machine: the bench
 * process then holds only the agent side (client) and the gateway.
 */
function startUpstream(gapMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const child = fork(path.join(__dirname, 'gatewayUpstream.ts'), [String(gapMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m) => resolve({
      url: `http://127.0.0.1:${(m as { port: number }).port}`,
      close: () => new Promise<void>((r) => { child.once('exit', () => r()); child.kill(); }),
    }));
  });
}

/** A request the size Claude Code sends mid-session, with a few secret-looking strings for the redaction run. */
function requestBody(): Buffer {
  const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(40);
  const messages = [];
  for (let i = 0; i < 40; i++) {
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `line ${i}: ${filler}` }] });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `step ${i}` }, { type: 'tool_use', id: `toolu_${i + 1}`, name: 'Read', input: { file_path: `/ws/src/f${i}.ts` } }] });
  }
  messages.push({ role: 'user', content: [{ type: 'text', text: 'export GITHUB_TOKEN=ghp_R8kq2ZbX0pW7nLm4R8kq2ZbX0pW7nLm4R8kq and carry on' }] });
  return Buffer.from(JSON.stringify({
    model: 'claude-opus-5-5', max_tokens: 32_000, stream: true,
    system: [{ type: 'text', text: 'You are Claude Code. '.repeat(500) }],
    tools: Array.from({ length: 15 }, (_, i) => ({ name: `Tool${i}`, description: filler.slice(0, 600), input_schema: { type: 'object' } })),
    messages,
  }));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One POST; resolves with ms to the first body byte and to the end. */
function post(base: string, body: Buffer): Promise<{ firstByteMs: number; totalMs: number }> {
  const url = new URL('/v1/messages', base);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': 'bench' } }, (res) => {
      let first = -1;
      res.on('data', () => { if (first < 0) first = performance.now() - t0; });
      res.on('end', () => resolve({ firstByteMs: first, totalMs: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function latencies(direct: string, via: string, body: Buffer, n: number): Promise<{ direct: number[]; via: number[]; directFirst: number[]; viaFirst: number[] }> {
  const out = { direct: [] as number[], via: [] as number[], directFirst: [] as number[], viaFirst: [] as number[] };
  for (let i = 0; i < 50; i++) { await post(direct, body); await post(via, body); }
  for (let i = 0; i < n; i++) {
    // Interleaved, alternating who goes first, so drift hits both paths alike.
    const order = i % 2 === 0 ? [direct, via] : [via, direct];
    for (const base of order) {
      const r = await post(base, body);
      if (base === direct) { out.direct.push(r.totalMs); out.directFirst.push(r.firstByteMs); } else { out.via.push(r.totalMs); out.viaFirst.push(r.firstByteMs); }
    }
  }
  for (const k of Object.keys(out) as Array<keyof typeof out>) out[k].sort((a, b) => a - b);
  return out;
}

async function throughput(base: string, body: Buffer): Promise<number> {
  const end = performance.now() + THROUGHPUT_MS;
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) { await post(base, body); done++; }
  }));
  return done / (THROUGHPUT_MS / 1000);
}

async function gatewayOver(upstream: string, redact: boolean): Promise<ModelGateway> {
  return openModelGateway({ upstream, policy: { allow: [], ...(redact ? { redact: { ref: { layer: 'workspace', file: 'bench', key: 'model.redact' } } } : {}) }, prices: DEFAULT_PRICES, caps: [] });
}

export async function benchGateway(): Promise<BenchRow[]> {
  const body = requestBody();
  const rows: BenchRow[] = [];
  const fast = await startUpstream(0);
  const plain = await gatewayOver(fast.url, false);
  const redacting = await gatewayOver(fast.url, true);
  try {
    const l = await latencies(fast.url, plain.url!, body, REQUESTS);
    const size = `${Math.round(body.length / 1024)} KB request, SSE answer`;
    rows.push({ name: 'request direct p50', value: percentile(l.direct, 50), unit: 'ms', note: size });
    rows.push({ name: 'request via gateway p50', value: percentile(l.via, 50), unit: 'ms' });
    rows.push({ name: 'added per request p50', value: percentile(l.via, 50) - percentile(l.direct, 50), unit: 'ms', note: 'target ≤ 1 ms' });
    rows.push({ name: 'added per request p99', value: percentile(l.via, 99) - percentile(l.direct, 99), unit: 'ms' });
    const r = await latencies(fast.url, redacting.url!, body, Math.ceil(REQUESTS / 3));
    rows.push({ name: 'added with model.redact p50', value: percentile(r.via, 50) - percentile(r.direct, 50), unit: 'ms', note: 'secrets masked in every string of the request' });
    rows.push({ name: 'throughput direct', value: Math.round(await throughput(fast.url, body)), unit: 'req/s', note: `${CONCURRENCY} concurrent clients` });
    rows.push({ name: 'throughput via gateway', value: Math.round(await throughput(plain.url!, body)), unit: 'req/s' });
  } finally {
    await plain.close();
    await redacting.close();
    await fast.close();
  }
  const slow = await startUpstream(STREAM_GAP_MS);
  const gw = await gatewayOver(slow.url, false);
  try {
    const t = await latencies(slow.url, gw.url!, body, 200);
    rows.push({ name: 'first streamed byte direct p50', value: percentile(t.directFirst, 50), unit: 'ms', note: `upstream sends message_start, then the rest ${STREAM_GAP_MS} ms later` });
    rows.push({ name: 'first streamed byte via gateway p50', value: percentile(t.viaFirst, 50), unit: 'ms', note: 'target: unchanged within 1 ms' });
    rows.push({ name: 'first byte added p99', value: percentile(t.viaFirst, 99) - percentile(t.directFirst, 99), unit: 'ms' });
  } finally {
    await gw.close();
    await slow.close();
    agent.destroy();
  }
  return rows;
}

if (require.main === module) {
  void benchGateway().then((rows) => printTable('gateway', rows));
}
