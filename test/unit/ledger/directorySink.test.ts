import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectorySink, nodeDirectoryFs, sessionFileName, type DirectoryFs } from '../../../src/core/ledger/directorySink';
import { LedgerConflictError, LedgerError } from '../../../src/core/ledger/errors';
import type { LedgerLine } from '../../../src/core/ledger/sink';
import { readChunk, START_POSITION } from '../../../src/core/ledger/traceChunk';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import { sessionLines, writeTrace } from './builders';

async function ledgerLines(dir: string, sessionId: string, lines: string[]): Promise<LedgerLine[]> {
  const file = path.join(dir, `${sessionId}.src.jsonl`);
  writeTrace(file, lines);
  const chunk = await readChunk(file, START_POSITION, { maxLines: 1e6, maxBytes: 1 << 26 });
  assert.equal(chunk.broken, undefined);
  return chunk.lines;
}

describe('ledger: directory sink', () => {
  let tmp: string;
  let ledgerDir: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ledger-dir-'));
    ledgerDir = path.join(tmp, 'ledger', 'nested');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('creates the folder and stores the exact trace bytes, one file per session, verifiable', async () => {
    const raw = sessionLines('S-1', 20);
    const lines = await ledgerLines(tmp, 'S-1', raw);
    const sink = new DirectorySink(ledgerDir, 'd');
    await sink.append('S-1', lines.slice(0, 5));
    await sink.append('S-1', lines.slice(5));
    const stored = path.join(ledgerDir, 'S-1.trace.jsonl');
    assert.equal(readFileSync(stored, 'utf8'), raw.map((l) => `${l}\n`).join(''));
    assert.equal(statSync(stored).mode & 0o777, 0o644);
    assert.ok((await verifyTraceFile(stored)).ok);
    assert.deepEqual(await sink.head('S-1'), { seq: 19, hash: lines[19]!.hash });
    await sink.checkpoint({ session_id: 'S-1', seq: 19, head: lines[19]!.hash, ts: '2026-06-01T10:00:00.000Z' });
    assert.deepEqual(JSON.parse(readFileSync(path.join(ledgerDir, 'checkpoints.log'), 'utf8')), { session_id: 'S-1', seq: 19, head: lines[19]!.hash, ts: '2026-06-01T10:00:00.000Z' });
  });

  it('re-sending stored lines is a no-op, also for a fresh sink that reads the head from disk', async () => {
    const lines = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 30));
    await new DirectorySink(ledgerDir, 'd').append('S-1', lines.slice(0, 20));
    const again = new DirectorySink(ledgerDir, 'd');
    await again.append('S-1', lines.slice(10, 30)); // overlaps: 10..19 stored, 20..29 new
    await again.append('S-1', lines.slice(0, 30));
    const stored = readFileSync(path.join(ledgerDir, 'S-1.trace.jsonl'), 'utf8').trim().split('\n');
    assert.equal(stored.length, 30);
    assert.deepEqual(stored.map((l) => (JSON.parse(l) as { seq: number }).seq), [...Array(30).keys()]);
  });

  it('refuses another history of a stored seq, and writes nothing of that batch', async () => {
    const ours = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 10, 1));
    const theirs = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 12, 2));
    const sink = new DirectorySink(ledgerDir, 'd');
    await sink.append('S-1', ours);
    const before = readFileSync(path.join(ledgerDir, 'S-1.trace.jsonl'));
    await assert.rejects(sink.append('S-1', theirs.slice(5)), (e: unknown) => LedgerConflictError.is(e) && e.seq === 5 && !e.retryable);
    await assert.rejects(sink.append('S-1', theirs.slice(10)), (e: unknown) => LedgerConflictError.is(e) && e.reason === 'conflict');
    assert.deepEqual(readFileSync(path.join(ledgerDir, 'S-1.trace.jsonl')), before);
  });

  it('refuses a gap after the stored head', async () => {
    const lines = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 10));
    const sink = new DirectorySink(ledgerDir, 'd');
    await sink.append('S-1', lines.slice(0, 3));
    await assert.rejects(sink.append('S-1', lines.slice(5)), (e: unknown) => LedgerError.is(e) && e.reason === 'gap');
  });

  it('cuts a torn tail (an append that was never acknowledged) before appending', async () => {
    const lines = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 10));
    await new DirectorySink(ledgerDir, 'd').append('S-1', lines.slice(0, 4));
    const file = path.join(ledgerDir, 'S-1.trace.jsonl');
    appendFileSync(file, lines[4]!.raw.slice(0, 40));
    const sink = new DirectorySink(ledgerDir, 'd');
    assert.deepEqual(await sink.head('S-1'), { seq: 3, hash: lines[3]!.hash });
    await sink.append('S-1', lines.slice(4));
    assert.ok((await verifyTraceFile(file)).ok);
  });

  it('fails closed on ENOSPC with a non-retryable no-space error and leaves the file a valid chain', async () => {
    const lines = await ledgerLines(tmp, 'S-1', sessionLines('S-1', 10));
    let full = false;
    const fs: DirectoryFs = {
      ...nodeDirectoryFs,
      appendDurable: async (file, data) => {
        if (!full) return nodeDirectoryFs.appendDurable(file, data);
        // A real full disk often takes part of the write first.
        appendFileSync(file, data.subarray(0, 17));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const sink = new DirectorySink(ledgerDir, 'd', fs);
    await sink.append('S-1', lines.slice(0, 5));
    full = true;
    await assert.rejects(sink.append('S-1', lines.slice(5)), (e: unknown) => LedgerError.is(e) && e.reason === 'no-space' && !e.retryable && /disk is full/.test(e.message));
    const file = path.join(ledgerDir, 'S-1.trace.jsonl');
    const v = await verifyTraceFile(file);
    assert.ok(v.ok && v.lastSeq === 4);
    full = false;
    await sink.append('S-1', lines.slice(5));
    assert.ok((await verifyTraceFile(file)).ok);
  });

  it('names files so that no session id can escape the folder', () => {
    assert.equal(sessionFileName('../../etc/passwd'), '..%2F..%2Fetc%2Fpasswd.trace.jsonl');
    assert.equal(sessionFileName('S-1'), 'S-1.trace.jsonl');
  });
});
