import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerError } from '../../../src/core/ledger/errors';
import { ledgerPassword, resolveLedgerAddress, scrubLaneSecrets } from '../../../src/core/ledger/secrets';

const URL_WITH_PW = 'postgres://shipper:p%40ss-w0rd-xyz@db.internal:5432/ledger';

describe('ledger secrets', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'agentlane-secrets-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the lane\'s secrets from the agent\'s environment and keeps the rest', () => {
    const env = {
      PATH: '/usr/bin:/bin', HOME: '/home/dev', LANG: 'C.UTF-8',
      AGENTLANE_LEDGER: URL_WITH_PW, AGENTLANE_LEDGER_FILE: '/etc/agentlane/ledger', AGENTLANE_HOOK_URL: 'http://127.0.0.1:4000',
      PGPASSWORD: 'x', PGHOST: 'db.internal', PGSERVICEFILE: '/home/dev/.pg_service.conf', DATABASE_URL: 'postgres://app@db/app',
      // The same credentials under a name nobody would guess, raw or percent-encoded.
      MY_CONN: 'host=db.internal password=p@ss-w0rd-xyz', ENCODED: 'postgres://shipper:p%40ss-w0rd-xyz@db.internal/ledger',
    };
    assert.deepEqual(scrubLaneSecrets(env, { ledgerUrl: URL_WITH_PW }), {
      PATH: '/usr/bin:/bin', HOME: '/home/dev', LANG: 'C.UTF-8', AGENTLANE_HOOK_URL: 'http://127.0.0.1:4000',
    });
  });

  it('finds the password from AGENTLANE_LEDGER even when no URL is passed', () => {
    assert.deepEqual(scrubLaneSecrets({ AGENTLANE_LEDGER: URL_WITH_PW, OTHER: 'pw=p@ss-w0rd-xyz', KEEP: '1' }), { KEEP: '1' });
  });

  it('refuses a password on the command line and says where to put it', async () => {
    await assert.rejects(resolveLedgerAddress({ flag: URL_WITH_PW }), (e: unknown) => LedgerError.is(e) && /--ledger-file FILE, or set AGENTLANE_LEDGER/.test(e.message));
    assert.deepEqual(await resolveLedgerAddress({ flag: 'postgres://shipper@db/ledger' }), { url: 'postgres://shipper@db/ledger', source: 'flag' });
  });

  it('reads the address from a private file or from AGENTLANE_LEDGER, and refuses a file others can read', async () => {
    const file = path.join(dir, 'ledger');
    writeFileSync(file, `# the organisation's ledger\n\n${URL_WITH_PW}\n`, { mode: 0o600 });
    assert.deepEqual(await resolveLedgerAddress({ file, env: { AGENTLANE_LEDGER: 'dir:/elsewhere' } }), { url: URL_WITH_PW, source: 'file' });
    assert.deepEqual(await resolveLedgerAddress({ env: { AGENTLANE_LEDGER: ' dir:/ledger ' } }), { url: 'dir:/ledger', source: 'env' });
    assert.equal(await resolveLedgerAddress({ env: {} }), undefined);
    if (process.platform !== 'win32') {
      chmodSync(file, 0o644);
      await assert.rejects(resolveLedgerAddress({ file }), /others may read it \(mode 644\): chmod 600 it/);
    }
    await assert.rejects(resolveLedgerAddress({ file: path.join(dir, 'missing') }), /cannot read --ledger-file .*ENOENT/);
    assert.equal(ledgerPassword('dir:/ledger'), undefined);
  });
});
