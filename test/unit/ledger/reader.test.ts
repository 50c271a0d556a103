/**
 * Reading evidence back from a PostgreSQL ledger (a real throwaway cluster,
 * test/support/postgres.ts): traces written by the real TraceWriter, shipped by the real
 * LedgerSync + PostgresSink, then read back by `verify --ledger` and `check-commits --ledger`,
 * and tampered with as a superuser going around the triggers.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { checkCommitsCommand } from '../../../src/cli/checkCommits';
import { verifyCommand } from '../../../src/cli/verify';
import type { CommitVerdict } from '../../../src/core/git/checkCommits';
import { LedgerError } from '../../../src/core/ledger/errors';
import { DirectoryReader, openLedgerReader } from '../../../src/core/ledger/ledgerReader';
import { openSink } from '../../../src/core/ledger/openSink';
import { LedgerSync } from '../../../src/core/ledger/sync';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { startTestPostgresOrSkip, type TestPostgres } from '../../support/postgres';
import { GitRepo } from '../audit/gitRepo';
import { memoryIo, readLines, rehashFrom, SessionBuilder, tempDir } from '../audit/traceBuilder';

const ADA = 'Ada Lovelace <ada@example.com>';

/** A 12-event session: header, five decided calls with results, end. */
function plain(sessionId: string): SessionBuilder {
  const b = new SessionBuilder({ sessionId, missionId: 'M-2026-06-01-ab12' });
  for (let i = 0; i < 5; i++) b.tool({ paths: [`/work/repo/src/f${i}.ts`] });
  return b.end();
}

interface JsonVerdict {
  ok: boolean;
  files: Array<{ file: string; ok: boolean; kind?: string; seq?: number | null; line?: number; message?: string; sessionId?: string | null; lineText?: string | null }>;
  checkpoints: number;
}

describe('ledger: reading a PostgreSQL ledger back (verify, check-commits)', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let tmp: string;
  let traceDir: string;
  let dbCount = 0;

  before(async function () {
    pg = await startTestPostgresOrSkip(this);
  });
  after(async () => { await pg?.destroy(); });
  beforeEach(() => {
    tmp = tempDir('agentlane-ledger-reader-');
    traceDir = path.join(tmp, 'traces');
    mkdirSync(traceDir);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  async function sql(url: string, text: string, params: unknown[] = []): Promise<unknown[]> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as unknown[];
    } finally {
      await c.end();
    }
  }

  /** A fresh, initialised ledger database: each test verifies "every session" of its own. */
  async function freshLedger(): Promise<string> {
    const name = `ledger_${++dbCount}`;
    await sql(pg.url, `CREATE DATABASE ${name}`);
    const url = pg.url.replace(/\/agentlane$/, `/${name}`);
    const sink = openSink(url);
    await sink.init!();
    await sink.close();
    return url;
  }

  /** Ships trace files with the real sync engine (which also stores a checkpoint per sync). */
  async function sync(url: string, ...files: string[]): Promise<void> {
    const sink = openSink(url);
    try {
      const engine = new LedgerSync({ sink, stateDir: path.join(tmp, 'state') });
      for (const f of files) await engine.syncOnce(f);
    } finally {
      await sink.close();
    }
  }

  /** As the table owner (a superuser here), around the append-only and chain triggers. */
  async function tamper(url: string, text: string, params: unknown[] = []): Promise<void> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('ALTER TABLE agentlane_trace_events DISABLE TRIGGER ALL');
      await c.query('ALTER TABLE agentlane_checkpoints DISABLE TRIGGER ALL');
      await c.query(text, params);
      await c.query('ALTER TABLE agentlane_trace_events ENABLE TRIGGER ALL');
      await c.query('ALTER TABLE agentlane_checkpoints ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  }

  async function writeSession(b: SessionBuilder): Promise<{ file: string; events: TraceEvent[] }> {
    const file = path.join(traceDir, `${b.spec.sessionId}.trace.jsonl`);
    return { file, events: await b.write(file) };
  }

  async function verifyJson(url: string, ...extra: string[]): Promise<{ code: number; json: JsonVerdict; text: string }> {
    const io = memoryIo(tmp);
    const code = await verifyCommand(['--ledger', url, '--json', ...extra], io);
    return { code, json: (io.stdout.length ? JSON.parse(io.stdout.join('\n')) : { ok: false, files: [], checkpoints: 0 }) as JsonVerdict, text: io.text() };
  }

  it('reads back sessions, exact bytes and checkpoints (paged), like the directory ledger holds them', async () => {
    const url = await freshLedger();
    const a = await writeSession(plain('S-a'));
    const b = await writeSession(plain('S-b').budget(0.25));
    const unicode = new SessionBuilder({ sessionId: 'S-c', missionId: null });
    unicode.tool({ command: 'echo "naïve ✓ — ünïcödé 🦀"' });
    const c = await writeSession(unicode.end());
    await sync(url, a.file, b.file, c.file);
    const dir = path.join(tmp, 'dir-ledger');
    const dirSink = openSink(`dir:${dir}`);
    await new LedgerSync({ sink: dirSink, stateDir: path.join(tmp, 'state') }).syncOnce(a.file);
    await dirSink.close();

    const reader = openLedgerReader(url, { postgres: { pageRows: 5, pageSessions: 2 } });
    try {
      assert.equal(reader.kind, 'postgres');
      const ids: string[] = [];
      for await (const id of reader.sessions()) ids.push(id);
      assert.deepEqual(ids, ['S-a', 'S-b', 'S-c']);
      for (const s of [a, b, c]) {
        const bytes = await reader.traceBytes(s.events[0]!.session_id);
        assert.ok(bytes.equals(readFileSync(s.file)), `${s.file}: the ledger gives back the exact bytes`);
      }
      const read = await reader.readSession('S-b');
      assert.equal(read.lines, b.events.length);
      assert.deepEqual(read.mismatches, []);
      assert.equal((await reader.traceBytes('S-nobody')).length, 0);
      assert.deepEqual(await reader.checkpoints(), [a, b, c].map((s) => {
        const last = s.events.at(-1)!;
        return { session_id: last.session_id, seq: last.seq, head: last.hash };
      }));
    } finally {
      await reader.close();
    }
    await assert.rejects(reader.checkpoints(), (e: unknown) => LedgerError.is(e) && e.reason === 'closed');

    const onDir = openLedgerReader(`dir:${dir}`);
    assert.ok(onDir instanceof DirectoryReader);
    const dirIds: string[] = [];
    for await (const id of onDir.sessions()) dirIds.push(id);
    assert.deepEqual(dirIds, ['S-a']);
    assert.ok((await onDir.traceBytes('S-a')).equals(readFileSync(a.file)));
    assert.deepEqual(await onDir.checkpoints(), [{ session_id: 'S-a', seq: 11, head: a.events[11]!.hash }]);
    await onDir.close();
    assert.throws(() => openLedgerReader('otlp+http://127.0.0.1:4318/v1/logs'), (e: unknown) => LedgerError.is(e) && e.reason === 'bad-url');
  });

  it('verify --ledger postgres:// exits 0 on what the sync engine stored, in the directory format', async () => {
    const url = await freshLedger();
    const a = await writeSession(plain('S-1'));
    const b = await writeSession(plain('S-2'));
    await sync(url, a.file, b.file);
    const io = memoryIo(tmp);
    assert.equal(await verifyCommand(['--ledger', url], io), 0, io.text());
    const display = url; // no password: printed as given
    assert.deepEqual(io.stdout, [
      `ok   ${display}#S-1: 1 session, 12 events, head ${a.events[11]!.hash} (seq 11)`,
      `ok   ${display}#S-2: 1 session, 12 events, head ${b.events[11]!.hash} (seq 11)`,
      '2 intact, 0 damaged; 2 checkpoint(s) from 1 checkpoints.log',
    ]);
    const { code, json } = await verifyJson(url, '--strict');
    assert.equal(code, 0);
    assert.equal(json.checkpoints, 2);
    assert.deepEqual(json.files.map((f) => [f.file, f.ok]), [[`${display}#S-1`, true], [`${display}#S-2`, true]]);
  });

  it('a raw line changed as a superuser (triggers disabled) fails verify: modified at that seq', async () => {
    const url = await freshLedger();
    const a = await writeSession(plain('S-1'));
    const b = await writeSession(plain('S-2'));
    await sync(url, a.file, b.file);
    await tamper(url, `UPDATE agentlane_trace_events SET raw = replace(raw, '"Edit"', '"Edlt"') WHERE session_id = 'S-2' AND seq = 3`);
    const io = memoryIo(tmp);
    assert.equal(await verifyCommand(['--ledger', url], io), 1, io.text());
    assert.match(io.stdout[0]!, /^ok {3}postgresql:\/\/.*#S-1: 1 session, 12 events/);
    assert.match(io.stdout[1]!, /^BAD {2}postgresql:\/\/.*#S-2: modified at seq 3 \(line 4\): /);
    assert.match(io.stdout[2]!, /^ {5}line 4: \{"action":"file\.write"/);
    assert.equal(io.stdout.at(-1), '1 intact, 1 damaged; 2 checkpoint(s) from 1 checkpoints.log');
    const { json } = await verifyJson(url);
    assert.deepEqual(json.files.map((f) => [f.ok, f.kind, f.seq, f.sessionId]), [[true, undefined, undefined, undefined], [false, 'modified', 3, 'S-2']]);
  });

  it('a re-hashed rewrite whose bytes chain (checkpoint deleted too) is caught by the columns: modified at the first rewritten seq', async () => {
    const url = await freshLedger();
    const a = await writeSession(plain('S-1'));
    await sync(url, a.file);
    const forged = rehashFrom(readLines(a.file).map((l, i) => (i === 5 ? l.replace('"Edit"', '"Bash"') : l)), 5);
    for (let seq = 5; seq < forged.length; seq++) {
      await tamper(url, 'UPDATE agentlane_trace_events SET raw = $1 WHERE session_id = $2 AND seq = $3', [forged[seq], 'S-1', seq]);
    }
    await tamper(url, 'DELETE FROM agentlane_checkpoints');
    const { code, json } = await verifyJson(url);
    assert.equal(code, 1);
    assert.equal(json.files.length, 1);
    const f = json.files[0]!;
    assert.deepEqual([f.ok, f.kind, f.seq, f.line], [false, 'modified', 5, 6]);
    assert.match(f.message!, /row seq 5 of session `S-1` disagrees with its own columns: hash .* in the line but .* in the column/);

    // A row whose seq column was moved (the raw line still says 11) is named too.
    const url2 = await freshLedger();
    const b = await writeSession(plain('S-2'));
    await sync(url2, b.file);
    await tamper(url2, 'DELETE FROM agentlane_checkpoints');
    await tamper(url2, `UPDATE agentlane_trace_events SET seq = 12 WHERE session_id = 'S-2' AND seq = 11`);
    const moved = await verifyJson(url2);
    assert.equal(moved.code, 1);
    assert.deepEqual(moved.json.files.map((x) => [x.kind, x.seq]), [['modified', 12]]);
    assert.match(moved.json.files[0]!.message!, /seq 11 in the line but 12 in the column/);
  });

  it('a session whose rows were deleted but whose checkpoint stays is truncated; an empty or unreachable ledger is reported', async () => {
    const url = await freshLedger();
    const a = await writeSession(plain('S-1'));
    const b = await writeSession(plain('S-2'));
    await sync(url, a.file, b.file);
    await tamper(url, `DELETE FROM agentlane_trace_events WHERE session_id = 'S-1'`);
    const { code, json } = await verifyJson(url);
    assert.equal(code, 1);
    assert.deepEqual(json.files.map((f) => [f.ok, f.kind, f.sessionId]), [[true, undefined, undefined], [false, 'truncated', 'S-1']]);

    const empty = await freshLedger();
    const io = memoryIo(tmp);
    assert.equal(await verifyCommand(['--ledger', empty], io), 1);
    assert.match(io.stderr[0]!, /holds no sessions/);

    await sql(pg.url, 'CREATE DATABASE never_initialised');
    const bare = memoryIo(tmp);
    assert.equal(await verifyCommand(['--ledger', pg.url.replace(/\/agentlane$/, '/never_initialised')], bare), 2);
    assert.match(bare.stderr[0]!, /no agentlane tables.*\[not-initialised\]/);

    const down = memoryIo(tmp);
    assert.equal(await verifyCommand(['--ledger', 'postgresql://agentlane@127.0.0.1:1/agentlane'], down), 2);
    assert.match(down.stderr[0]!, /\[unreachable\]/);
  });

  describe('check-commits --ledger postgres://', () => {
    interface Setup { url: string; repo: GitRepo; sha: string; events: TraceEvent[]; file: string }

    /** A commit whose trailers point at an acknowledged session, the session synced to a fresh ledger. */
    async function ackedCommit(): Promise<Setup> {
      const url = await freshLedger();
      const repo = new GitRepo(path.join(tmp, 'repo'));
      repo.write('README.md', '# r\n').commit('initial');
      repo.write('secure/key.txt', 'v2\n');
      repo.git('add', '-A');
      const tree = repo.git('write-tree');
      const b = new SessionBuilder({ sessionId: 'S-commit', missionId: null });
      b.asked({ paths: ['/work/repo/secure/key.txt'] }, 'allow-once', ADA); // approval A-1
      b.ack('A-1', tree, ADA);
      const { file, events } = await writeSession(b);
      const ack = events.at(-1)!;
      const { sha } = repo.commit([
        'rotate the key', '',
        'Agent-Lane-Session: S-commit', 'Agent-Lane-Mission: none', `Agent-Lane-Trace: ${ack.hash}@${ack.seq}`,
        `Supervised-By: ${ADA}`, 'Agent-Lane-Ack: A-1',
      ].join('\n'));
      await sync(url, file);
      return { url, repo, sha, events, file };
    }

    async function check(s: Setup, ledger = s.url): Promise<{ code: number; verdicts: CommitVerdict[]; text: string }> {
      const io = memoryIo(s.repo.root);
      const code = await checkCommitsCommand([`${s.sha}^!`, '--ledger', ledger, '--repo', s.repo.root, '--json'], io);
      const verdicts = io.stdout.length ? (JSON.parse(io.stdout.join('\n')) as { commits: CommitVerdict[] }).commits : [];
      return { code, verdicts, text: io.text() };
    }

    it('resolves the commit\'s trailers against the session read from the database', async () => {
      const s = await ackedCommit();
      const r = await check(s);
      assert.equal(r.code, 0, r.text);
      assert.equal(r.verdicts.length, 1);
      assert.equal(r.verdicts[0]!.kind, 'acknowledged');
      assert.equal(r.verdicts[0]!.sessionId, 'S-commit');
      assert.match(r.verdicts[0]!.reason, /^acknowledged by Ada Lovelace <ada@example.com> \(session S-commit, seq 5\)/);
    });

    it('fails the commit when the ack row was rewritten around the triggers, even re-hashed with no checkpoint left', async () => {
      const s = await ackedCommit();
      const lines = readLines(s.file);
      const ackSeq = s.events.at(-1)!.seq;
      const forged = rehashFrom(lines.map((l, i) => (i === ackSeq ? l.replace('"note":null', '"note":"forged"') : l)), ackSeq);
      assert.notEqual(forged[ackSeq], lines[ackSeq]);
      await tamper(s.url, 'UPDATE agentlane_trace_events SET raw = $1 WHERE session_id = $2 AND seq = $3', [forged[ackSeq], 'S-commit', ackSeq]);
      await tamper(s.url, 'DELETE FROM agentlane_checkpoints');
      const r = await check(s);
      assert.equal(r.code, 1, r.text);
      assert.match(r.verdicts[0]!.reason, new RegExp(`does not verify: .*\\(first bad seq ${ackSeq}\\)`));
    });

    it('a session missing from the database fails the commit; an unreachable database exits 2', async () => {
      const s = await ackedCommit();
      await tamper(s.url, `DELETE FROM agentlane_trace_events WHERE session_id = 'S-commit'`);
      const r = await check(s);
      assert.equal(r.code, 1);
      assert.match(r.verdicts[0]!.reason, /^no trace for session S-commit in postgresql:\/\//);
      const down = await check(s, 'postgresql://agentlane@127.0.0.1:1/agentlane');
      assert.equal(down.code, 2);
      assert.match(down.text, /\[unreachable\]/);
    });
  });
});
