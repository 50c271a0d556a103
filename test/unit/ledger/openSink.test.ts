import { strict as assert } from 'node:assert';
import { LedgerError } from '../../../src/core/ledger/errors';
import { openSink, parseLedgerUrl } from '../../../src/core/ledger/openSink';

describe('ledger: openSink', () => {
  it('reads directory addresses: dir:, file:// and plain paths (relative to cwd)', () => {
    assert.deepEqual(pickKind(parseLedgerUrl('dir:/mnt/share/ledger')), ['directory', '/mnt/share/ledger', 'dir:/mnt/share/ledger']);
    assert.deepEqual(pickKind(parseLedgerUrl('file:///mnt/l')), ['directory', '/mnt/l', 'dir:/mnt/l']);
    assert.deepEqual(pickKind(parseLedgerUrl('ledger', '/work/repo')), ['directory', '/work/repo/ledger', 'dir:/work/repo/ledger']);
    assert.equal(parseLedgerUrl('dir:/a').id, parseLedgerUrl('/a').id, 'same folder, same cursors');
  });

  it('reads PostgreSQL URLs and never shows or hashes the password', () => {
    const a = parseLedgerUrl('postgres://audit:s3cret@db.example:6432/ledger?sslmode=require');
    assert.equal(a.kind, 'postgres');
    assert.doesNotMatch(a.display, /s3cret/);
    assert.equal(a.id, parseLedgerUrl('postgresql://audit:rotated@db.example:6432/ledger').id);
    assert.notEqual(a.id, parseLedgerUrl('postgresql://audit@db.example:6432/other').id);
  });

  it('reads OTLP endpoints: otlp+http(s) with or without a path, http(s) only for …/v1/logs', () => {
    assert.deepEqual(pickKind(parseLedgerUrl('otlp+http://collector:4318')), ['otlp', 'http://collector:4318/v1/logs', 'http://collector:4318/v1/logs']);
    assert.equal(parseLedgerUrl('https://siem.example/v1/logs').kind, 'otlp');
    assert.throws(() => parseLedgerUrl('https://siem.example/ingest'), (e: unknown) => LedgerError.is(e) && e.reason === 'bad-url');
    assert.throws(() => parseLedgerUrl('s3://bucket/x'), (e: unknown) => LedgerError.is(e) && /unknown ledger scheme/.test(e.message));
    assert.throws(() => parseLedgerUrl('  '), (e: unknown) => LedgerError.is(e) && e.reason === 'bad-url');
  });

  it('opens the matching sink', async () => {
    for (const [url, name] of [['dir:/tmp/x', 'directory'], ['postgresql://u@127.0.0.1:1/db', 'postgres'], ['otlp+http://127.0.0.1:1/v1/logs', 'otlp']] as const) {
      const sink = openSink(url);
      assert.equal(sink.name, name);
      await sink.close();
    }
  });
});

function pickKind(a: { kind: string; target: string; display: string }): [string, string, string] {
  return [a.kind, a.target, a.display];
}
