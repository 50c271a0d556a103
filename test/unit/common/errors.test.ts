import { strict as assert } from 'node:assert';
import { describeError } from '../../../src/core/common/errors';
import { BrokenTraceError, LedgerError, ledgerErrorFromFs } from '../../../src/core/ledger/errors';
import { GitError } from '../../../src/core/git/errors';
import { UsageError } from '../../../src/cli/args';

describe('errors', () => {
  it('finds a class, its subclasses and a reason without duck typing', () => {
    const broken = new BrokenTraceError('t.jsonl', 3, 'hash mismatch');
    assert.ok(LedgerError.is(broken));
    assert.ok(LedgerError.is(broken, 'broken-trace'));
    assert.ok(!LedgerError.is(broken, 'bad-url'));
    assert.ok(!GitError.is(broken));
    assert.ok(!LedgerError.is({ reason: 'broken-trace', message: 'looks like one' }));
  });

  it('keeps the reason a code and the message prose, with the cause attached', () => {
    const fsError = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const e = ledgerErrorFromFs(fsError, 'append to the ledger');
    assert.equal(e.reason, 'no-space');
    assert.match(e.message, /^cannot append to the ledger: ENOSPC.*free space and sync again$/);
    assert.equal(e.cause, fsError);
    assert.equal(e.name, 'LedgerError');
    assert.equal(new UsageError('x').reason, 'usage');
  });

  it('describes anything thrown as one line of prose', () => {
    assert.equal(describeError(new GitError('not-a-repo', '`/tmp` is not a git repository')), '`/tmp` is not a git repository');
    assert.equal(describeError('plain text'), 'plain text');
    assert.equal(describeError({ code: 7 }), '{"code":7}');
    assert.equal(describeError(undefined), 'undefined');
  });
});
