import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GENESIS_PREV } from '../../../src/core/trace/canonical';
import type { TraceEventInput } from '../../../src/core/trace/schema';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import { TraceWriteError, TraceWriter, type TraceFileIo } from '../../../src/core/trace/writer';
import { startEvent } from './builders';

const result = (i: number): TraceEventInput => ({ event: 'tool.result', actor: 'agent', tool_use_id: `t${i}`, exit_code: 0, ok: true });

/** Counts writes and syncs, and records the order in which things happen. */
function recording(log: string[], fail?: { on: 'write' | 'sync'; code: string }) {
  return (io: TraceFileIo): TraceFileIo => ({
    async write(data) {
      log.push(`write:${data.toString('utf8').split('\n').length - 1}`);
      if (fail?.on === 'write') throw Object.assign(new Error(`${fail.code}: injected`), { code: fail.code });
      await io.write(data);
    },
    async sync() {
      log.push('sync');
      if (fail?.on === 'sync') throw Object.assign(new Error(`${fail.code}: injected`), { code: fail.code });
      await io.sync();
    },
    close: () => io.close(),
  });
}

describe('trace writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'agentlane-trace-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a private directory and file and chains events from the genesis prev', async () => {
    const file = path.join(dir, 'traces', 'S-1.jsonl');
    const w = await TraceWriter.open(file, { sessionId: 'S-1', missionId: 'M-1' });
    const start = await w.append(startEvent());
    const next = await w.append(result(1));
    await w.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(start.seq, 0);
    assert.equal(start.prev, GENESIS_PREV);
    assert.equal(start.mission_id, 'M-1');
    assert.equal(next.prev, start.hash);
    const res = await verifyTraceFile(file);
    assert.ok(res.ok);
    assert.equal(res.head, next.hash);
  });

  it('writes the appends of one tick with one write and one fdatasync, and resolves them only after it', async () => {
    const log: string[] = [];
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S', wrapIo: recording(log) });
    const all = [w.append(startEvent()), ...Array.from({ length: 9 }, (_, i) => w.append(result(i)))];
    for (const p of all) void p.then((e) => log.push(`resolved:${e.seq}`));
    const events = await Promise.all(all);
    assert.deepEqual(events.map((e) => e.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(log.slice(0, 3), ['write:10', 'sync', 'resolved:0']);
    assert.equal(log.filter((l) => l === 'sync').length, 1);
    await w.close();
  });

  it('batches appends that arrive during a sync into the next commit', async () => {
    const log: string[] = [];
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S', wrapIo: recording(log) });
    const first = w.append(startEvent());
    await new Promise((r) => setImmediate(r));
    const later = [w.append(result(1)), w.append(result(2))];
    await Promise.all([first, ...later]);
    assert.deepEqual(log, ['write:1', 'sync', 'write:2', 'sync']);
    await w.close();
  });

  it('skips fdatasync with durability none', async () => {
    const log: string[] = [];
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S', durability: 'none', wrapIo: recording(log) });
    await w.append(startEvent());
    await w.close();
    assert.deepEqual(log, ['write:1']);
  });

  it('refuses anything but session.start as the first event', async () => {
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S' });
    await assert.rejects(w.append(result(1)), (e: unknown) => TraceWriteError.is(e) && e.reason === 'header');
    await w.close();
  });

  it('rejects an invalid event without using up a seq', async () => {
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S' });
    await w.append(startEvent());
    const bad = { event: 'tool.result', actor: 'agent', tool_use_id: 't', exit_code: 1.5, ok: true } as TraceEventInput;
    await assert.rejects(w.append(bad), (e: unknown) => TraceWriteError.is(e) && e.reason === 'invalid-event' && /exit_code/.test(e.message));
    const nan = { event: 'budget.usage', actor: 'system', usage: { input: 0, output: 0, cache_write: 0, cache_read: 0 }, cost_usd: Number.NaN, source: 'x' } as TraceEventInput;
    await assert.rejects(w.append(nan), (e: unknown) => TraceWriteError.is(e) && e.reason === 'invalid-event');
    assert.equal((await w.append(result(1))).seq, 1);
    await w.close();
    assert.ok((await verifyTraceFile(path.join(dir, 't.jsonl'))).ok);
  });

  it('fails every append with a typed reason once a write fails, and never resolves them', async () => {
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S', wrapIo: recording([], { on: 'sync', code: 'ENOSPC' }) });
    const a = w.append(startEvent());
    const b = w.append(result(1));
    await assert.rejects(a, (e: unknown) => TraceWriteError.is(e) && e.reason === 'no-space');
    await assert.rejects(b, (e: unknown) => TraceWriteError.is(e) && e.reason === 'no-space');
    await assert.rejects(w.append(result(2)), (e: unknown) => TraceWriteError.is(e) && e.reason === 'failed');
    await assert.rejects(w.close(), (e: unknown) => TraceWriteError.is(e));
  });

  it('maps permission errors to reason permission', async () => {
    const w = await TraceWriter.open(path.join(dir, 't.jsonl'), { sessionId: 'S', wrapIo: recording([], { on: 'write', code: 'EACCES' }) });
    await assert.rejects(w.append(startEvent()), (e: unknown) => TraceWriteError.is(e) && e.reason === 'permission');
    await w.close().catch(() => undefined);
  });

  it('continues the chain when reopened, and refuses another session or a second writer', async () => {
    const file = path.join(dir, 't.jsonl');
    const w1 = await TraceWriter.open(file, { sessionId: 'S' });
    await w1.append(startEvent());
    await assert.rejects(TraceWriter.open(file, { sessionId: 'S' }), (e: unknown) => TraceWriteError.is(e) && e.reason === 'busy');
    await w1.close();
    await assert.rejects(TraceWriter.open(file, { sessionId: 'OTHER' }), (e: unknown) => TraceWriteError.is(e) && e.reason === 'session-mismatch');
    const w2 = await TraceWriter.open(file, { sessionId: 'S' });
    assert.equal((await w2.append(result(1))).seq, 1);
    assert.equal(w2.checkpoint().seq, 1);
    await w2.close();
    assert.ok((await verifyTraceFile(file)).ok);
  });

  it('moves a torn last line aside, records trace.torn, and leaves a verifiable trace', async () => {
    const file = path.join(dir, 't.jsonl');
    const w1 = await TraceWriter.open(file, { sessionId: 'S' });
    await w1.append(startEvent());
    await w1.append(result(1));
    await w1.close();
    const goodLength = statSync(file).size;
    appendFileSync(file, '{"actor":"agent","event":"tool.res');
    assert.equal((await verifyTraceFile(file)).ok, false);

    const w2 = await TraceWriter.open(file, { sessionId: 'S' });
    await w2.append(result(2));
    await w2.close();
    const sidecar = `t.jsonl.torn-${goodLength}`;
    assert.ok(readdirSync(dir).includes(sidecar));
    assert.equal(readFileSync(path.join(dir, sidecar), 'utf8'), '{"actor":"agent","event":"tool.res');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; seq: number; bytes?: number; offset?: number; sidecar?: string });
    assert.deepEqual(lines.map((l) => [l.seq, l.event]), [[0, 'session.start'], [1, 'tool.result'], [2, 'trace.torn'], [3, 'tool.result']]);
    assert.deepEqual([lines[2]!.bytes, lines[2]!.offset, lines[2]!.sidecar], [34, goodLength, sidecar]);
    assert.ok((await verifyTraceFile(file)).ok);
  });

  it('records a torn header right after the new session.start', async () => {
    const file = path.join(dir, 't.jsonl');
    writeFileSync(file, '{"actor":"sys');
    const w = await TraceWriter.open(file, { sessionId: 'S' });
    await w.append(startEvent());
    await w.close();
    const events = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
    assert.deepEqual(events, ['session.start', 'trace.torn']);
    assert.ok((await verifyTraceFile(file)).ok);
  });

  it('refuses to append to a file whose last line was tampered with', async () => {
    const file = path.join(dir, 't.jsonl');
    const w = await TraceWriter.open(file, { sessionId: 'S' });
    await w.append(startEvent());
    await w.close();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"host":"h"', '"host":"x"'));
    await assert.rejects(TraceWriter.open(file, { sessionId: 'S' }), (e: unknown) => TraceWriteError.is(e) && e.reason === 'corrupt');
  });

  it('rejects appends after close, and close flushes what was accepted', async () => {
    const file = path.join(dir, 't.jsonl');
    const w = await TraceWriter.open(file, { sessionId: 'S' });
    const p = w.append(startEvent());
    await w.close();
    assert.equal((await p).seq, 0);
    await assert.rejects(w.append(result(1)), (e: unknown) => TraceWriteError.is(e) && e.reason === 'closed');
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 2);
  });

  it('keeps one linear chain under many concurrent appenders', async () => {
    const file = path.join(dir, 't.jsonl');
    const w = await TraceWriter.open(file, { sessionId: 'S', durability: 'none' });
    await w.append(startEvent());
    await Promise.all(Array.from({ length: 20 }, async (_, k) => {
      for (let i = 0; i < 25; i++) await w.append(result(k * 100 + i));
    }));
    await w.close();
    const res = await verifyTraceFile(file, { schema: 'all' });
    assert.ok(res.ok);
    assert.equal(res.lastSeq, 500);
  });
});
