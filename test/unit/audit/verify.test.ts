import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { verifyCommand } from '../../../src/cli/verify';
import { openSink } from '../../../src/core/ledger/openSink';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { forgeLine, memoryIo, readLines, rehashFrom, SessionBuilder, tempDir, writeLines } from './traceBuilder';

/** A plain 12-event session: header, five decided calls with results, end. */
function plain(sessionId: string): SessionBuilder {
  const b = new SessionBuilder({ sessionId, missionId: 'M-2026-06-01-ab12' });
  for (let i = 0; i < 5; i++) b.tool({ paths: [`/work/repo/src/f${i}.ts`] });
  return b.end();
}

interface JsonVerdict { ok: boolean; files: Array<{ file: string; ok: boolean; kind?: string; seq?: number | null; line?: number }> }

async function verifyJson(cwd: string, ...args: string[]): Promise<{ code: number; json: JsonVerdict; text: string }> {
  const io = memoryIo(cwd);
  const code = await verifyCommand([...args, '--json'], io);
  return { code, json: JSON.parse(io.stdout.join('\n')) as JsonVerdict, text: io.text() };
}

describe('agentlane verify', () => {
  let dir: string;
  let file: string;
  let events: TraceEvent[];
  beforeEach(async () => {
    dir = tempDir();
    file = path.join(dir, 'S-1.trace.jsonl');
    events = await plain('S-1').write(file);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on an intact file and prints sessions, events and the head', async () => {
    const io = memoryIo(dir);
    const code = await verifyCommand(['S-1.trace.jsonl'], io);
    assert.equal(code, 0, io.text());
    assert.equal(io.stdout[0], `ok   S-1.trace.jsonl: 1 session, 12 events, head ${events[11]!.hash} (seq 11)`);
  });

  it('verifies every *.trace.jsonl of a directory recursively', async () => {
    mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
    await plain('S-2').write(path.join(dir, 'nested', 'deeper', 'S-2.trace.jsonl'));
    writeFileSync(path.join(dir, 'notes.jsonl'), 'not a trace\n');
    const { code, json } = await verifyJson(dir, '.');
    assert.equal(code, 0);
    assert.deepEqual(json.files.map((f) => [f.file, f.ok]), [['S-1.trace.jsonl', true], [path.join('nested', 'deeper', 'S-2.trace.jsonl'), true]]);
  });

  const tamperings: Array<{ name: string; kind: string; seq: number; line: number; tamper: (lines: string[]) => string[] }> = [
    { name: 'a changed byte', kind: 'modified', seq: 3, line: 4, tamper: (l) => l.map((x, i) => (i === 3 ? x.replace('"Edit"', '"Edlt"') : x)) },
    { name: 'a deleted event', kind: 'deleted', seq: 5, line: 6, tamper: (l) => l.filter((_, i) => i !== 5) },
    { name: 'an inserted (replayed) event', kind: 'inserted', seq: 4, line: 5, tamper: (l) => [...l.slice(0, 4), l[3]!, ...l.slice(4)] },
    { name: 'two swapped events', kind: 'reordered', seq: 6, line: 7, tamper: (l) => [...l.slice(0, 6), l[7]!, l[6]!, ...l.slice(8)] },
    { name: 'a missing header', kind: 'header', seq: 0, line: 1, tamper: (l) => l.slice(1) },
  ];
  for (const t of tamperings) {
    it(`reports ${t.name} as ${t.kind} at the first bad seq, with the line`, async () => {
      writeLines(file, t.tamper(readLines(file)));
      const io = memoryIo(dir);
      const code = await verifyCommand([dir], io);
      assert.equal(code, 1);
      assert.match(io.stdout[0]!, new RegExp(`^BAD  S-1\\.trace\\.jsonl: ${t.kind} at seq ${t.seq} \\(line ${t.line}\\): `));
      assert.match(io.stdout[1]!, new RegExp(`^     line ${t.line}: \\{"`));
      const { json } = await verifyJson(dir, dir);
      assert.deepEqual(json.files.map((f) => [f.kind, f.seq, f.line]), [[t.kind, t.seq, t.line]]);
    });
  }

  it('reports a torn last line', async () => {
    const lines = readLines(file);
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n${lines[11]!.slice(0, 40)}`);
    const { code, json } = await verifyJson(dir, 'S-1.trace.jsonl');
    assert.equal(code, 1);
    assert.deepEqual(json.files.map((f) => [f.kind, f.seq, f.line]), [['torn', 11, 12]]);
  });

  it('reports an intact line that is not a trace event as schema', async () => {
    const lines = readLines(file);
    const last = JSON.parse(lines[11]!) as TraceEvent;
    const { hash: _h, ...envelope } = last;
    lines.push(forgeLine({ ...envelope, event: 'agent.bribe', seq: 12, prev: last.hash, reason: undefined, exit_code: undefined }).line);
    writeLines(file, lines);
    const { code, json } = await verifyJson(dir, 'S-1.trace.jsonl');
    assert.equal(code, 1);
    assert.deepEqual(json.files.map((f) => [f.kind, f.seq, f.line]), [['schema', 12, 13]]);
  });

  it('reports a checkpoint beyond the end of the trace as truncated', async () => {
    writeFileSync(path.join(dir, 'checkpoints.log'), `${JSON.stringify({ session_id: 'S-1', seq: 11, head: events[11]!.hash })}\n`);
    assert.equal((await verifyJson(dir, dir)).code, 0);
    writeLines(file, readLines(file).slice(0, 9));
    const { code, json, text } = await verifyJson(dir, dir);
    assert.equal(code, 1, text);
    assert.deepEqual(json.files.map((f) => [f.kind, f.seq]), [['truncated', 9]]);
  });

  it('reports a re-hashed rewrite as modified where the checkpoint head differs', async () => {
    writeFileSync(path.join(dir, 'checkpoints.log'), `${JSON.stringify({ session_id: 'S-1', seq: 7, head: events[7]!.hash })}\n`);
    const lines = readLines(file);
    lines[5] = lines[5]!.replace('"Edit"', '"Bash"');
    writeLines(file, rehashFrom(lines, 5));
    const plainRun = await verifyJson(dir, 'S-1.trace.jsonl', '--checkpoints', path.join(dir, 'nowhere.log')).catch(() => undefined);
    assert.equal(plainRun, undefined, 'a missing --checkpoints file is an error, not a silent pass');
    const { code, json } = await verifyJson(dir, dir);
    assert.equal(code, 1);
    assert.deepEqual(json.files.map((f) => [f.kind, f.seq]), [['modified', 7]]);
  });

  it('reports a session the ledger pinned whose trace file was deleted', async () => {
    writeFileSync(path.join(dir, 'checkpoints.log'), `${JSON.stringify({ session_id: 'S-gone', seq: 3, head: 'ab'.repeat(32) })}\n`);
    const { code, json } = await verifyJson(dir, dir);
    assert.equal(code, 1);
    assert.deepEqual(json.files.map((f) => [path.basename(f.file), f.ok, f.kind]), [['S-1.trace.jsonl', true, undefined], ['checkpoints.log', false, 'truncated']]);
  });

  it('verifies a directory ledger given as --ledger dir:PATH, and refuses ledgers it cannot read back', async () => {
    assert.equal((await verifyJson(dir, '--ledger', `dir:${dir}`)).code, 0);
    const io = memoryIo(dir);
    // An OTLP collector is write-only: there is nothing to read back.
    assert.equal(await verifyCommand(['--ledger', 'otlp+http://127.0.0.1:4318/v1/logs'], io), 2);
    assert.ok(io.stderr.length > 0);
  });

  it('verifies what the real directory ledger sink wrote, against its checkpoints.log', async () => {
    const ledger = path.join(dir, 'ledger');
    const sink = openSink(`dir:${ledger}`);
    await sink.init?.();
    const lines = readLines(file);
    await sink.append('S-1', events.map((event, i) => ({ seq: event.seq, hash: event.hash, prev: event.prev, raw: lines[i]!, event })));
    await sink.checkpoint?.({ session_id: 'S-1', seq: 11, head: events[11]!.hash, ts: '2026-06-01T10:00:00.000Z' });
    await sink.close();
    const intact = await verifyJson(dir, '--ledger', `dir:${ledger}`);
    assert.equal(intact.code, 0, intact.text);
    const stored = readdirSync(ledger).find((f) => f.endsWith('.trace.jsonl'))!;
    writeLines(path.join(ledger, stored), readLines(path.join(ledger, stored)).slice(0, 8));
    const cut = await verifyJson(dir, '--ledger', ledger);
    assert.deepEqual(cut.json.files.map((f) => [f.kind, f.seq]), [['truncated', 8]]);
  });

  it('reports a session without session.end as incomplete, and fails it under --strict', async () => {
    writeLines(file, readLines(file).slice(0, -1));
    const io = memoryIo(dir);
    assert.equal(await verifyCommand(['S-1.trace.jsonl'], io), 0, io.text());
    assert.match(io.stdout[1]!, /incomplete: no session\.end in session `S-1`/);
    const strictIo = memoryIo(dir);
    assert.equal(await verifyCommand(['S-1.trace.jsonl', '--strict'], strictIo), 1);
    assert.match(strictIo.stdout[0]!, /^BAD  S-1\.trace\.jsonl/);
    assert.match(strictIo.stdout.at(-1)!, /1 incomplete session\(s\) \(fail under --strict\)/);
    const { json } = await verifyJson(dir, 'S-1.trace.jsonl', '--strict');
    assert.equal(json.ok, false);
  });

  it('detects a local trace cut short against the head the ledger stores (--ledger with files)', async () => {
    const ledger = path.join(dir, 'ledger');
    const sink = openSink(`dir:${ledger}`);
    await sink.init?.();
    const lines = readLines(file);
    // The ledger received every event but pinned no checkpoint: only its stored head can tell.
    await sink.append('S-1', events.map((event, i) => ({ seq: event.seq, hash: event.hash, prev: event.prev, raw: lines[i]!, event })));
    await sink.close();
    await plain('S-other').write(path.join(ledger, 'S-other.trace.jsonl'));
    assert.equal((await verifyJson(dir, 'S-1.trace.jsonl', '--ledger', `dir:${ledger}`)).code, 0);
    // The session's last three events (its end included) cut off the local copy.
    writeLines(file, lines.slice(0, 9));
    assert.equal((await verifyJson(dir, 'S-1.trace.jsonl')).code, 0, 'alone, a cut trace still chains');
    const cut = await verifyJson(dir, 'S-1.trace.jsonl', '--ledger', `dir:${ledger}`);
    assert.equal(cut.code, 1);
    assert.deepEqual(cut.json.files.map((f) => [f.kind, f.seq]), [['truncated', 9]]);
    // A session the ledger never received: noted, and a failure under --strict.
    await plain('S-new').write(path.join(dir, 'S-new.trace.jsonl'));
    const io = memoryIo(dir);
    assert.equal(await verifyCommand(['S-new.trace.jsonl', '--ledger', `dir:${ledger}`], io), 0, io.text());
    assert.match(io.text(), /note session `S-new` is not in the ledger: nothing pins its end/);
    assert.equal(await verifyCommand(['S-new.trace.jsonl', '--ledger', `dir:${ledger}`, '--strict'], memoryIo(dir)), 1);
  });

  it('exits 1 when a directory holds no traces, and 2 for a path that does not exist', async () => {
    const empty = tempDir();
    try {
      assert.equal(await verifyCommand([empty], memoryIo(dir)), 1);
      assert.equal(await verifyCommand([path.join(empty, 'nope')], memoryIo(dir)), 2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
