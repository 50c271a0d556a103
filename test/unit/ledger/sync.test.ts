import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backoffDelay } from '../../../src/core/ledger/backoff';
import { CursorStore } from '../../../src/core/ledger/cursor';
import { DirectorySink, nodeDirectoryFs, type DirectoryFs } from '../../../src/core/ledger/directorySink';
import { BrokenTraceError, LedgerConflictError, LedgerError } from '../../../src/core/ledger/errors';
import type { LedgerSink } from '../../../src/core/ledger/sink';
import { LedgerSync, type LedgerSyncStatus } from '../../../src/core/ledger/sync';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import { appendTrace, fileLines, instantClock, sessionLines, SwitchableSink, writeTrace } from './builders';

describe('ledger: sync engine (directory ledger)', () => {
  let tmp: string;
  let traceDir: string;
  let ledgerDir: string;
  let stateDir: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ledger-sync-'));
    traceDir = path.join(tmp, 'traces');
    ledgerDir = path.join(tmp, 'ledger');
    stateDir = path.join(tmp, 'state');
    mkdirSync(traceDir);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const ledgerFile = (sid: string) => path.join(ledgerDir, `${sid}.trace.jsonl`);

  function engine(sink: LedgerSink = new DirectorySink(ledgerDir, 'dir-test'), extra: Partial<ConstructorParameters<typeof LedgerSync>[0]> = {}) {
    const clock = instantClock();
    return { sync: new LedgerSync({ sink, stateDir, clock, random: () => 1, batchMaxLines: 40, ...extra }), clock, sink };
  }

  it('ships a trace in batches, then only what was appended since, with a checkpoint', async () => {
    const all = sessionLines('S-1', 250);
    const trace = path.join(traceDir, 'S-1.trace.jsonl');
    writeTrace(trace, all.slice(0, 100));
    const { sync } = engine();
    const first = await sync.syncOnce(trace);
    assert.deepEqual({ sent: first.sent, acked: first.ackedSeq, lag: first.lag }, { sent: 100, acked: 99, lag: 0 });
    appendTrace(trace, all.slice(100));
    appendFileSync(trace, '{"actor":"agent","event":"tool.res'); // the writer is mid-write: not shipped
    const second = await sync.syncOnce(trace);
    assert.equal(second.sent, 150);
    assert.deepEqual(fileLines(ledgerFile('S-1')), all);
    assert.ok((await verifyTraceFile(ledgerFile('S-1'))).ok);
    const cps = fileLines(path.join(ledgerDir, 'checkpoints.log')).map((l) => JSON.parse(l) as { seq: number });
    assert.deepEqual(cps.map((c) => c.seq), [99, 249]);
    assert.equal(sync.status().state, 'idle');
    assert.equal(sync.status().lag, 0);
  });

  it('(a) ledger down for the whole session: nothing lost, the trace is the queue; catches up once it is back', async () => {
    const all = sessionLines('S-a', 120);
    const trace = path.join(traceDir, 'S-a.trace.jsonl');
    const sink = new SwitchableSink(new DirectorySink(ledgerDir, 'dir-test'));
    sink.down = true;
    const { sync, clock } = engine(sink, { maxAttempts: 4 });
    writeTrace(trace, all.slice(0, 60));
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.reason === 'unreachable' && e.retryable);
    appendTrace(trace, all.slice(60));
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.retryable);
    const st = sync.status();
    assert.equal(st.state, 'failed');
    assert.equal(st.lastError?.reason, 'unreachable');
    assert.equal(st.lag, 120, 'every event is still owed to the ledger');
    assert.equal(clock.sleeps.length, 6, 'backs off between attempts (3 per call)');
    assert.equal(existsSync(new CursorStore(stateDir, 'dir-test').pathOf('S-a')), false);
    sink.down = false;
    const res = await sync.syncOnce(trace);
    assert.equal(res.sent, 120);
    assert.deepEqual(fileLines(ledgerFile('S-a')), all);
    assert.equal(sync.status().lag, 0);
  });

  it('(a) while watching: the ledger comes back mid-session and the watcher catches up on its own', async function () {
    this.timeout(20_000);
    const all = sessionLines('S-w', 300);
    const trace = path.join(traceDir, 'S-w.trace.jsonl');
    const sink = new SwitchableSink(new DirectorySink(ledgerDir, 'dir-test'));
    sink.down = true;
    const sync = new LedgerSync({ sink, stateDir, pollMs: 50, backoff: { baseMs: 5, capMs: 40 }, batchMaxLines: 64 });
    const states = new Set<string>();
    sync.onDidChangeStatus((s: LedgerSyncStatus) => states.add(s.state));
    sync.start(traceDir);
    try {
      writeTrace(trace, all.slice(0, 100));
      await waitFor(() => sync.status().state === 'retrying');
      appendTrace(trace, all.slice(100, 200));
      sink.down = false;
      await waitFor(() => existsSync(ledgerFile('S-w')) && fileLines(ledgerFile('S-w')).length === 200);
      appendTrace(trace, all.slice(200));
      await waitFor(() => fileLines(ledgerFile('S-w')).length === 300 && sync.status().state === 'idle');
    } finally {
      await sync.stop();
    }
    assert.deepEqual(fileLines(ledgerFile('S-w')), all);
    assert.ok(states.has('retrying') && states.has('syncing') && states.has('idle'));
    assert.equal(sync.status().lag, 0);
  });

  it('(c) killed after the ledger acknowledged but before the cursor was written: re-sends, nothing duplicated', async () => {
    const all = sessionLines('S-c', 200);
    const trace = path.join(traceDir, 'S-c.trace.jsonl');
    writeTrace(trace, all.slice(0, 80));
    await engine().sync.syncOnce(trace);
    const cursorFile = new CursorStore(stateDir, 'dir-test').pathOf('S-c');
    const staleCursor = readFileSync(cursorFile);
    appendTrace(trace, all.slice(80));
    await engine().sync.syncOnce(trace);
    // The crash: the ledger has 0..199 but the cursor on disk still says 79.
    writeFileSync(cursorFile, staleCursor);
    const counting = new SwitchableSink(new DirectorySink(ledgerDir, 'dir-test'));
    const res = await engine(counting).sync.syncOnce(trace);
    assert.equal(res.sent, 120, 're-sent everything after the stale cursor');
    assert.deepEqual(fileLines(ledgerFile('S-c')), all, 'and the ledger holds each event once');
    // State lost altogether: the ledger head says where to resume; nothing is re-sent.
    rmSync(path.join(stateDir, 'cursors'), { recursive: true });
    const fresh = new SwitchableSink(new DirectorySink(ledgerDir, 'dir-test'));
    const again = await engine(fresh).sync.syncOnce(trace);
    assert.equal(again.sent, 0);
    assert.equal(fresh.appends, 0);
    assert.equal(again.ackedSeq, 199);
  });

  it('an unreadable cursor is reset (a note, not a failure) and the ledger head is used', async () => {
    const all = sessionLines('S-u', 50);
    const trace = path.join(traceDir, 'S-u.trace.jsonl');
    writeTrace(trace, all);
    await engine().sync.syncOnce(trace);
    writeFileSync(new CursorStore(stateDir, 'dir-test').pathOf('S-u'), '{"version":1,');
    const { sync } = engine();
    const res = await sync.syncOnce(trace);
    assert.equal(res.sent, 0);
    assert.match(sync.status().sessions[0]?.note ?? '', /not JSON/);
    assert.deepEqual(fileLines(ledgerFile('S-u')), all);
  });

  it('(d) disk full on the ledger: fails closed with a non-retryable error, cursor not advanced', async () => {
    const all = sessionLines('S-d', 100);
    const trace = path.join(traceDir, 'S-d.trace.jsonl');
    let writes = 0;
    const fs: DirectoryFs = {
      ...nodeDirectoryFs,
      appendDurable: async (file, data) => {
        if (++writes > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await nodeDirectoryFs.appendDurable(file, data);
      },
    };
    const { sync, clock } = engine(new DirectorySink(ledgerDir, 'dir-test', fs));
    writeTrace(trace, all);
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.reason === 'no-space' && !e.retryable && /disk is full/.test(e.message));
    assert.equal(clock.sleeps.length, 0, 'a full disk is not retried');
    const cursor = await new CursorStore(stateDir, 'dir-test').load('S-d');
    assert.equal(cursor.cursor?.seq, 39, 'the cursor stays after the last acknowledged batch');
    assert.deepEqual(fileLines(ledgerFile('S-d')), all.slice(0, 40));
    const st = sync.status();
    assert.deepEqual([st.state, st.lastError?.reason, st.lastError?.retryable, st.lag], ['failed', 'no-space', false, 60]);
  });

  it('(d) disk full on a real tiny tmpfs (skipped unless this user may mount)', async function () {
    const mnt = path.join(tmp, 'tiny');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    try {
      const all = sessionLines('S-t', 400); // ~200 KB of trace for a 64 KB disk
      const trace = path.join(traceDir, 'S-t.trace.jsonl');
      writeTrace(trace, all);
      const sink = new DirectorySink(mnt, 'tmpfs');
      const sync = new LedgerSync({ sink, stateDir, clock: instantClock(), batchMaxLines: 20 });
      await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.reason === 'no-space' && !e.retryable);
      const stored = path.join(mnt, 'S-t.trace.jsonl');
      const v = await verifyTraceFile(stored);
      assert.ok(v.ok, 'the ledger file is still a valid chain (the partial batch was cut)');
      const cursor = await new CursorStore(stateDir, 'tmpfs').load('S-t');
      assert.equal(cursor.cursor?.seq, v.lastSeq, 'cursor = what the ledger acknowledged');
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('refuses to ship into another history of the session (conflict) and writes nothing', async () => {
    const ours = sessionLines('S-x', 60, 1);
    const theirs = sessionLines('S-x', 30, 2);
    mkdirSync(ledgerDir);
    writeTrace(ledgerFile('S-x'), theirs);
    const before = readFileSync(ledgerFile('S-x'));
    const trace = path.join(traceDir, 'S-x.trace.jsonl');
    writeTrace(trace, ours);
    const { sync } = engine();
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerConflictError.is(e) && e.seq === 29 && !e.retryable);
    assert.deepEqual(readFileSync(ledgerFile('S-x')), before);
    assert.equal(sync.status().lastError?.reason, 'conflict');
  });

  it('a tampered local trace ships up to the bad seq and refuses everything after it', async () => {
    const all = sessionLines('S-t', 100);
    const tampered = [...all];
    tampered[57] = tampered[57]!.replace('"actor":"', '"actor":"x'); // content changed, hash kept
    const trace = path.join(traceDir, 'S-t.trace.jsonl');
    writeTrace(trace, tampered);
    const { sync } = engine();
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => BrokenTraceError.is(e) && e.firstBadSeq === 57 && /seq 57/.test(e.message) && !e.retryable);
    assert.deepEqual(fileLines(ledgerFile('S-t')), all.slice(0, 57));
    const st = sync.status();
    assert.deepEqual([st.state, st.lastError?.reason, st.sessions[0]?.ackedSeq], ['failed', 'broken-trace', 56]);
  });

  it('notices a shipped line that was rewritten afterwards, or a trace that was cut', async () => {
    const all = sessionLines('S-r', 30);
    const trace = path.join(traceDir, 'S-r.trace.jsonl');
    writeTrace(trace, all);
    await engine().sync.syncOnce(trace);
    const other = sessionLines('S-r', 31, 99);
    writeTrace(trace, other); // same length class, other bytes: the anchor hash no longer matches
    await assert.rejects(engine().sync.syncOnce(trace), (e: unknown) => BrokenTraceError.is(e));
    writeTrace(trace, all.slice(0, 10));
    await assert.rejects(engine().sync.syncOnce(trace), (e: unknown) => BrokenTraceError.is(e) && /truncated|rewritten/.test(e.message));
    rmSync(path.join(stateDir, 'cursors'), { recursive: true });
    await assert.rejects(engine().sync.syncOnce(trace), (e: unknown) => BrokenTraceError.is(e) && /cut from its end/.test(e.message));
  });

  it('backs off exponentially with full jitter, capped', () => {
    const p = { baseMs: 250, capMs: 30_000 };
    assert.deepEqual([0, 1, 2, 3, 7, 8, 50].map((a) => backoffDelay(a, p, () => 0.999999)), [249, 499, 999, 1999, 29999, 29999, 29999]);
    assert.equal(backoffDelay(3, p, () => 0), 0);
    assert.equal(backoffDelay(3, p, () => 0.5), 1000);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
