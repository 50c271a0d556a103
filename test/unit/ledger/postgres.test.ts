/**
 * PostgreSQL ledger against a real throwaway cluster (test/support/postgres.ts). Skipped with
 * the reason when the Debian binaries are missing (scripts/setup-system.sh installs them).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { LedgerConflictError, LedgerError } from '../../../src/core/ledger/errors';
import { openSink } from '../../../src/core/ledger/openSink';
import { PostgresSink } from '../../../src/core/ledger/postgresSink';
import type { LedgerLine } from '../../../src/core/ledger/sink';
import { LedgerSync } from '../../../src/core/ledger/sync';
import { readChunk, START_POSITION } from '../../../src/core/ledger/traceChunk';
import { verifyTraceBytes } from '../../../src/core/trace/verify';
import { startTestPostgresOrSkip, type TestPostgres } from '../../support/postgres';
import { appendTrace, instantClock, sessionLines, writeTrace } from './builders';

const RowSchema = z.object({ seq: z.string(), raw: z.string(), hash: z.string(), event: z.string(), decision: z.string().nullable() });

describe('ledger: PostgreSQL sink', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let tmp: string;
  let traceDir: string;
  let stateDir: string;

  before(async function () {
    pg = await startTestPostgresOrSkip(this);
    const sink = openSink(pg.url);
    await sink.init!();
    await sink.close();
  });
  after(async () => { await pg?.destroy(); });
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ledger-pg-'));
    traceDir = path.join(tmp, 'traces');
    stateDir = path.join(tmp, 'state');
    mkdirSync(traceDir);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  async function query(sql: string, params: unknown[] = []): Promise<unknown[]> {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as unknown[];
    } finally {
      await c.end();
    }
  }

  async function rowsOf(sessionId: string) {
    return z.array(RowSchema).parse(await query('SELECT seq::text AS seq, raw, hash, event, decision FROM agentlane_trace_events WHERE session_id = $1 ORDER BY agentlane_trace_events.seq', [sessionId]));
  }

  /** The ledger's rows of a session, re-assembled as a trace file, must verify and equal ours. */
  async function assertLedgerHolds(sessionId: string, lines: string[]): Promise<void> {
    const rows = await rowsOf(sessionId);
    assert.equal(rows.length, lines.length, 'one row per event');
    assert.deepEqual(rows.map((r) => Number(r.seq)), [...lines.keys()]);
    assert.deepEqual(rows.map((r) => r.raw), lines, 'raw holds the exact line');
    assert.ok(verifyTraceBytes(lines.map((l) => `${l}\n`).join('')).ok);
  }

  async function ledgerLines(sessionId: string, raw: string[]): Promise<LedgerLine[]> {
    const f = path.join(tmp, `${sessionId}-${Math.random()}.jsonl`);
    writeTrace(f, raw);
    return (await readChunk(f, START_POSITION, { maxLines: 1e6, maxBytes: 1 << 26 })).lines;
  }

  it('init is idempotent and versioned', async () => {
    const sink = new PostgresSink(pg.url, 'pg', 'pg');
    await sink.init();
    await sink.init();
    assert.equal(await sink.schemaVersion(), 1);
    assert.deepEqual(await query('SELECT version FROM agentlane_schema_version'), [{ version: 1 }]);
    await sink.close();
  });

  it('stores events with their columns, re-sends are no-ops, another history is a conflict with nothing written', async () => {
    const sink = new PostgresSink(pg.url, 'pg', 'pg');
    const lines = await ledgerLines('P-1', sessionLines('P-1', 50, 3));
    await sink.append('P-1', lines.slice(0, 30));
    await sink.append('P-1', lines.slice(20)); // 20..29 re-sent, 30..49 new
    await sink.append('P-1', lines);
    await assertLedgerHolds('P-1', lines.map((l) => l.raw));
    assert.deepEqual(await sink.head('P-1'), { seq: 49, hash: lines[49]!.hash });
    const decisions = (await rowsOf('P-1')).filter((r) => r.event === 'tool.decision');
    assert.ok(decisions.length > 0 && decisions.every((r) => r.decision === 'allow' || r.decision === 'ask' || r.decision === 'deny'));

    const theirs = await ledgerLines('P-1', sessionLines('P-1', 60, 4));
    await assert.rejects(sink.append('P-1', theirs.slice(40)), (e: unknown) => LedgerConflictError.is(e) && !e.retryable);
    await assert.rejects(sink.append('P-1', theirs.slice(50)), (e: unknown) => LedgerConflictError.is(e) && e.sessionId === 'P-1');
    await assertLedgerHolds('P-1', lines.map((l) => l.raw));
    await assert.rejects(sink.append('P-1', lines.slice(0, 1).map((l) => ({ ...l, seq: 52 }))), (e: unknown) => LedgerError.is(e) && e.reason === 'gap');
    await sink.checkpoint({ session_id: 'P-1', seq: 49, head: lines[49]!.hash, ts: new Date().toISOString() });
    await sink.checkpoint({ session_id: 'P-1', seq: 49, head: lines[49]!.hash, ts: new Date().toISOString() });
    await assert.rejects(sink.checkpoint({ session_id: 'P-1', seq: 48, head: lines[49]!.hash, ts: new Date().toISOString() }), (e: unknown) => LedgerError.is(e) && !e.retryable);
    await sink.close();
  });

  it('the database itself refuses UPDATE, DELETE, TRUNCATE and a broken chain', async () => {
    const sink = new PostgresSink(pg.url, 'pg', 'pg');
    const lines = await ledgerLines('P-2', sessionLines('P-2', 5));
    await sink.append('P-2', lines);
    await sink.close();
    await assert.rejects(query(`UPDATE agentlane_trace_events SET raw = 'x' WHERE session_id = 'P-2'`), /append-only/);
    await assert.rejects(query(`DELETE FROM agentlane_trace_events WHERE session_id = 'P-2'`), /append-only/);
    await assert.rejects(query('TRUNCATE agentlane_trace_events'), /append-only/);
    await assert.rejects(query('TRUNCATE agentlane_checkpoints'), /append-only/);
    await assert.rejects(
      query(`INSERT INTO agentlane_trace_events (session_id, seq, prev, hash, event, ts, raw, actor) VALUES ('P-2', 5, $1, $1, 'x', now(), 'x', 'agent')`, ['ab'.repeat(32)]),
      /chain break/,
    );
    await assert.rejects(
      query(`INSERT INTO agentlane_trace_events (session_id, seq, prev, hash, event, ts, raw, actor) VALUES ('P-new', 3, $1, $1, 'x', now(), 'x', 'agent')`, ['0'.repeat(64)]),
      /gap/,
    );
    await assertLedgerHolds('P-2', lines.map((l) => l.raw));
  });

  it('(a) ledger down for the whole session, then up: catches up', async () => {
    const all = sessionLines('P-a', 300);
    const trace = path.join(traceDir, 'P-a.trace.jsonl');
    writeTrace(trace, all.slice(0, 150));
    await pg.kill();
    const down = openSink(pg.url, { postgres: { pool: { connectionTimeoutMillis: 2000 } } });
    const sync = new LedgerSync({ sink: down, stateDir, clock: instantClock(), maxAttempts: 3 });
    try {
      await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.retryable && e.reason === 'unreachable');
      appendTrace(trace, all.slice(150));
      await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.retryable);
      assert.equal(sync.status().lag, 300);
    } finally {
      await pg.start();
    }
    const res = await sync.syncOnce(trace);
    assert.equal(res.sent, 300);
    await assertLedgerHolds('P-a', all);
    await down.close();
  });

  it('(b) server stopped immediately mid-sync and started again: resumes, no duplicates', async () => {
    const all = sessionLines('P-b', 20_000, 11);
    const trace = path.join(traceDir, 'P-b.trace.jsonl');
    writeTrace(trace, all);
    const sink = openSink(pg.url, { postgres: { pool: { connectionTimeoutMillis: 2000 } } });
    const sync = new LedgerSync({ sink, stateDir, batchMaxLines: 500, backoff: { baseMs: 20, capMs: 300 }, maxAttempts: 200 });
    let killed: Promise<void> | undefined;
    let retried = false;
    sync.onDidChangeStatus((s) => {
      const acked = s.sessions[0]?.ackedSeq ?? -1;
      if (!killed && acked >= 2000) {
        // The next batch is already on its way: stop like a power cut, come back a bit later.
        killed = pg.kill().then(() => new Promise((r) => setTimeout(r, 300))).then(() => pg.start());
      }
      if (s.state === 'retrying') retried = true;
    });
    const res = await sync.syncOnce(trace);
    await killed;
    assert.ok(retried, 'the sync saw the outage and retried');
    assert.equal(res.ackedSeq, 19_999);
    await assertLedgerHolds('P-b', all);
    await sink.close();
  });

  it('(b) a fast restart (57P01 admin shutdown) is retried too', async () => {
    const all = sessionLines('P-r', 5000, 12);
    const trace = path.join(traceDir, 'P-r.trace.jsonl');
    writeTrace(trace, all);
    const sink = openSink(pg.url);
    const sync = new LedgerSync({ sink, stateDir, batchMaxLines: 250, backoff: { baseMs: 20, capMs: 300 }, maxAttempts: 200 });
    let restarted: Promise<void> | undefined;
    sync.onDidChangeStatus((s) => {
      if (!restarted && (s.sessions[0]?.ackedSeq ?? -1) >= 1000) restarted = pg.restart();
    });
    await sync.syncOnce(trace);
    await restarted;
    await assertLedgerHolds('P-r', all);
    await sink.close();
  });

  it('(c) killed before the cursor was written: the re-send is an idempotent no-op; lost state resumes from the head', async () => {
    const all = sessionLines('P-c', 400);
    const trace = path.join(traceDir, 'P-c.trace.jsonl');
    writeTrace(trace, all);
    const sink = openSink(pg.url);
    await new LedgerSync({ sink, stateDir }).syncOnce(trace);
    rmSync(path.join(stateDir, 'cursors'), { recursive: true });
    // Cursor gone and head() "forgotten": everything is re-sent, the ledger stays as it was.
    const noHead = { id: sink.id, name: sink.name, display: sink.display, append: sink.append.bind(sink), close: async () => undefined };
    const res = await new LedgerSync({ sink: noHead, stateDir }).syncOnce(trace);
    assert.equal(res.sent, 400);
    await assertLedgerHolds('P-c', all);
    rmSync(path.join(stateDir, 'cursors'), { recursive: true });
    const again = await new LedgerSync({ sink, stateDir }).syncOnce(trace);
    assert.equal(again.sent, 0);
    await sink.close();
  });

  it('maps a missing schema to a clear not-initialised error', async () => {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query('CREATE DATABASE empty_ledger');
    await c.end();
    const sink = openSink(pg.url.replace(/\/agentlane$/, '/empty_ledger'));
    const lines = await ledgerLines('P-n', sessionLines('P-n', 2));
    await assert.rejects(sink.append('P-n', lines), (e: unknown) => LedgerError.is(e) && e.reason === 'not-initialised' && /agentlane ledger init/.test(e.message) && !e.retryable);
    await sink.close();
  });
});
