import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError, type Io } from '../../../src/cli/args';
import { ledgerCommand } from '../../../src/cli/ledgerCommands';
import { appendTrace, fileLines, sessionLines, writeTrace } from './builders';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), cwd };
  return { io: value, out, err };
}

describe('ledger: CLI', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ledger-cli-'));
    mkdirSync(path.join(tmp, 'traces'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('init, sync --once and status with a directory ledger (paths relative to cwd)', async () => {
    const a = sessionLines('S-1', 30, 1);
    const b = sessionLines('S-2', 12, 2);
    writeTrace(path.join(tmp, 'traces', 'S-1.trace.jsonl'), a.slice(0, 20));
    writeTrace(path.join(tmp, 'traces', 'S-2.trace.jsonl'), b);
    const init = io(tmp);
    assert.equal(await ledgerCommand(['init', '--ledger', 'dir:ledger'], init.io), 0);
    assert.match(init.out.join('\n'), /ledger ready/);

    const sync = io(tmp);
    assert.equal(await ledgerCommand(['sync', '--trace-dir', 'traces', '--ledger', 'ledger', '--once'], sync.io), 0);
    assert.match(sync.out.join('\n'), /S-1\.trace\.jsonl: 20 sent, acknowledged through seq 19, lag 0/);
    assert.match(sync.out.join('\n'), /2 of 2 trace\(s\) synced/);
    assert.deepEqual(fileLines(path.join(tmp, 'ledger', 'S-2.trace.jsonl')), b);

    appendTrace(path.join(tmp, 'traces', 'S-1.trace.jsonl'), a.slice(20));
    const status = io(tmp);
    assert.equal(await ledgerCommand(['status', '--trace-dir', 'traces', '--ledger', 'dir:ledger'], status.io), 0);
    assert.match(status.out.join('\n'), /S-1: local 29, acknowledged 19, ledger head 19, lag 10/);
    assert.match(status.out.join('\n'), /S-2: local 11, acknowledged 11, ledger head 11, lag 0/);
    assert.match(status.out.join('\n'), /total lag 10 event\(s\) in 2 trace\(s\)/);
  });

  it('a failed sync exits 1 with the reason; usage problems throw UsageError', async () => {
    const t = sessionLines('S-x', 10);
    t[4] = t[4]!.replace('"actor":"', '"actor":"z');
    writeTrace(path.join(tmp, 'traces', 'S-x.trace.jsonl'), t);
    const r = io(tmp);
    assert.equal(await ledgerCommand(['sync', '--trace-dir', 'traces', '--ledger', 'dir:ledger', '--once'], r.io), 1);
    assert.match(r.err.join('\n'), /broken at seq 4.*\[broken-trace\]/);
    await assert.rejects(ledgerCommand(['sync', '--ledger', 'dir:x'], io(tmp).io), (e: unknown) => UsageError.is(e) && /--trace-dir is required/.test(e.message));
    await assert.rejects(ledgerCommand(['init', '--ledger', 'ftp://x'], io(tmp).io), (e: unknown) => UsageError.is(e) && /unknown ledger scheme/.test(e.message));
    await assert.rejects(ledgerCommand(['push'], io(tmp).io), (e: unknown) => UsageError.is(e));
  });

  it('reads the ledger address from --ledger-file, and refuses both flags at once', async () => {
    writeTrace(path.join(tmp, 'traces', 'S-f.trace.jsonl'), sessionLines('S-f', 5));
    writeFileSync(path.join(tmp, 'ledger.url'), '# where traces go\ndir:from-file\n', { mode: 0o600 });
    const r = io(tmp);
    assert.equal(await ledgerCommand(['sync', '--trace-dir', 'traces', '--ledger-file', 'ledger.url', '--once'], r.io), 0, r.err.join('\n'));
    assert.equal(fileLines(path.join(tmp, 'from-file', 'S-f.trace.jsonl')).length, 5);
    await assert.rejects(ledgerCommand(['init', '--ledger', 'dir:x', '--ledger-file', 'ledger.url'], io(tmp).io), (e: unknown) => UsageError.is(e) && /not both/.test(e.message));
  });

  it('sync without --once watches until stopped', async () => {
    const lines = sessionLines('S-w', 40);
    writeTrace(path.join(tmp, 'traces', 'S-w.trace.jsonl'), lines);
    const ac = new AbortController();
    const r = io(tmp);
    const running = ledgerCommand(['sync', '--trace-dir', 'traces', '--ledger', 'dir:ledger'], r.io, { signal: ac.signal });
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000) {
      if (r.out.some((l) => l === 'ledger idle, lag 0') && r.out.some((l) => l.startsWith('ledger syncing'))) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    ac.abort();
    assert.equal(await running, 0);
    assert.deepEqual(fileLines(path.join(tmp, 'ledger', 'S-w.trace.jsonl')), lines);
    assert.match(r.out[0] ?? '', /^watching /);
  });
});
