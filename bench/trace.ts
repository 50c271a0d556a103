/**
 * Trace benchmarks: append throughput (group commit with fdatasync, and without), verify
 * throughput, and the machine's ceiling measured in the same run — plain SHA-256 over the same
 * lines, no parsing — so the verify figure can be read as a fraction of what the CPU allows.
 *
 *   npx tsx bench/trace.ts
 */
import { withTrustLabel } from '../src/core/trace/trust';
import * as crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, GENESIS_PREV, hashCanonicalBody, lineFromBody, TRACE_SCHEMA } from '../src/core/trace/canonical';
import { naiveVerify } from '../src/core/trace/naiveVerify';
import type { TraceEventInput } from '../src/core/trace/schema';
import { verifyTraceBytes } from '../src/core/trace/verify';
import { TraceWriter, type Durability } from '../src/core/trace/writer';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const VERIFY_EVENTS = 200_000;
const SESSIONS = 20;
const APPENDERS_PER_SESSION = 5;
const APPENDS_PER_APPENDER = 40;

const start: TraceEventInput = {
  event: 'session.start', actor: 'system', policy_hash: 'c1'.repeat(32), policy_files: [],
  agent: { name: 'claude-code', version: '2.1.330' }, model_id: 'claude-sonnet-4-5', extension_version: '0.1.0', cwd: '/w', host: 'h',
};
const result = (i: number): TraceEventInput => ({ event: 'tool.result', actor: 'agent', tool_use_id: `toolu_${i}`, exit_code: 0, ok: true });

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function appendRun(durability: Durability): Promise<{ rate: number; perAppendMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentlane-bench-trace-'));
  try {
    const writers = await Promise.all(Array.from({ length: SESSIONS }, (_, s) => TraceWriter.open(path.join(dir, `S-${s}.jsonl`), { sessionId: `S-${s}`, durability })));
    await Promise.all(writers.map((w) => w.append(start)));
    const t0 = process.hrtime.bigint();
    await Promise.all(writers.flatMap((w) => Array.from({ length: APPENDERS_PER_SESSION }, async (_, a) => {
      for (let i = 0; i < APPENDS_PER_APPENDER; i++) await w.append(result(a * 1000 + i));
    })));
    const total = SESSIONS * APPENDERS_PER_SESSION * APPENDS_PER_APPENDER;
    const rate = total / seconds(t0);
    // One session, one appender awaiting each append: the latency a single hook call pays.
    const solo = writers[0]!;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) await solo.append(result(i));
    const perAppendMs = (seconds(t1) * 1000) / 100;
    await Promise.all(writers.map((w) => w.close()));
    return { rate, perAppendMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Short tool.result lines (~330 bytes: two 64-hex hashes and the envelope are most of it) encoded exactly as the writer encodes them (built in memory: fast to set up). */
function buildTrace(n: number): Buffer {
  const parts: string[] = [];
  let prev = GENESIS_PREV;
  const t0 = Date.parse('2026-06-01T09:00:00Z');
  for (let seq = 0; seq < n; seq++) {
    const input = seq === 0 ? start : result(seq);
    const body = canonicalJson({ mission_id: null, supervisor: null, ...withTrustLabel(input), schema: TRACE_SCHEMA, seq, ts: new Date(t0 + seq).toISOString(), session_id: 'S-bench', prev });
    prev = hashCanonicalBody(body);
    parts.push(lineFromBody(body, prev));
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** What the CPU allows: split on newlines and SHA-256 each line, nothing else. */
function ceiling(buf: Buffer): number {
  const hash = typeof crypto.hash === 'function'
    ? (b: Buffer) => crypto.hash('sha256', b, 'hex')
    : (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
  let n = 0;
  for (let s = 0; s < buf.length; ) {
    const e = buf.indexOf(0x0a, s);
    hash(buf.subarray(s, e));
    n++;
    s = e + 1;
  }
  return n;
}

function timeRate(runs: number, n: number, fn: () => unknown): number {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    rates.push(n / seconds(t0));
  }
  return median(rates);
}

export async function benchTrace(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const concurrency = `${SESSIONS} sessions × ${APPENDERS_PER_SESSION} appenders × ${APPENDS_PER_APPENDER}`;
  const synced = await appendRun('fsync');
  rows.push({ name: 'trace append, fdatasync group commit', value: Math.round(synced.rate), unit: 'events/s', note: concurrency });
  rows.push({ name: 'trace append latency, one appender, fdatasync', value: +synced.perAppendMs.toFixed(3), unit: 'ms/event' });
  const unsynced = await appendRun('none');
  rows.push({ name: 'trace append, durability none', value: Math.round(unsynced.rate), unit: 'events/s', note: concurrency });

  const buf = buildTrace(VERIFY_EVENTS);
  const avg = Math.round(buf.length / VERIFY_EVENTS);
  const check = verifyTraceBytes(buf);
  if (!check.ok || check.events !== VERIFY_EVENTS) throw new Error(`bench trace does not verify: ${JSON.stringify(check)}`);
  const verifyRate = timeRate(3, VERIFY_EVENTS, () => verifyTraceBytes(buf));
  const strictRate = timeRate(1, VERIFY_EVENTS, () => verifyTraceBytes(buf, { schema: 'all' }));
  const naiveRate = timeRate(1, VERIFY_EVENTS, () => naiveVerify(buf));
  const ceilingRate = timeRate(3, VERIFY_EVENTS, () => ceiling(buf));
  const lines = `${VERIFY_EVENTS.toLocaleString('en')} events, ${avg} bytes/line`;
  rows.push({ name: 'trace verify (schema sample 1/64)', value: Math.round(verifyRate), unit: 'events/s', note: lines });
  rows.push({ name: 'trace verify (schema all)', value: Math.round(strictRate), unit: 'events/s', note: lines });
  rows.push({ name: 'trace verify, naive reference', value: Math.round(naiveRate), unit: 'events/s', note: lines });
  rows.push({ name: 'machine ceiling: SHA-256 per line, no parsing', value: Math.round(ceilingRate), unit: 'lines/s', note: lines });
  rows.push({ name: 'trace verify / ceiling', value: +(verifyRate / ceilingRate).toFixed(3), unit: 'ratio' });
  return rows;
}

if (require.main === module) {
  benchTrace().then(
    (rows) => {
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(12)} ${r.unit.padEnd(9)} ${r.note ?? ''}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
