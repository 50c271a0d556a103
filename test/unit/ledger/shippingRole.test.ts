/**
 * `agentlane run` ships its trace with a role that may only INSERT and SELECT, reads the address
 * from a private file, and never lets the agent see it. A real throwaway PostgreSQL cluster, a
 * real lane, and a shell standing in for the agent command (it dumps the environment it got).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runCommand } from '../../../src/cli/run';
import { verifyCommand } from '../../../src/cli/verify';
import { LedgerError } from '../../../src/core/ledger/errors';
import { openSink } from '../../../src/core/ledger/openSink';
import { CHECKPOINTS_TABLE, EVENTS_TABLE, SCHEMA_VERSION_TABLE } from '../../../src/core/ledger/postgresSchema';
import { startTestPostgresOrSkip, type TestPostgres } from '../../support/postgres';

const PASSWORD = 'shipper-Pw-7f3a91';

describe('ledger: shipping from `agentlane run` with an INSERT + SELECT role', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let tmp: string;
  let shipperUrl: string;

  async function asOwner(sql: string, db = 'agentlane'): Promise<unknown[]> {
    const c = new Client({ connectionString: pg.url.replace(/\/agentlane$/, `/${db}`) });
    await c.connect();
    try {
      return (await c.query(sql)).rows as unknown[];
    } finally {
      await c.end();
    }
  }

  before(async function () {
    pg = await startTestPostgresOrSkip(this);
    const owner = openSink(pg.url);
    await owner.init!();
    await owner.close();
    await asOwner(`CREATE ROLE shipper LOGIN PASSWORD '${PASSWORD}'`);
    await asOwner('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await asOwner(`GRANT SELECT ON ${SCHEMA_VERSION_TABLE} TO shipper`);
    await asOwner(`GRANT SELECT, INSERT ON ${EVENTS_TABLE}, ${CHECKPOINTS_TABLE} TO shipper`);
    shipperUrl = `postgresql://shipper:${PASSWORD}@127.0.0.1:${pg.port}/agentlane`;
  });
  after(async () => { await pg?.destroy(); });
  beforeEach(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ship-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  async function run(ledgerArgs: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; err: string; agentEnv: string }> {
    const repo = path.join(tmp, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    mkdirSync(path.join(repo, '.agentlane'));
    writeFileSync(path.join(repo, '.agentlane', 'policy.yaml'), 'version: 1\nmode: build\npaths:\n  write: ["src/**"]\n');
    const saved = { ...process.env };
    Object.assign(process.env, extraEnv);
    const err: string[] = [];
    try {
      const code = await runCommand([
        '--cwd', repo, '--trace-dir', path.join(tmp, 'traces'), '--managed', 'none', '--approve-none', '--durability', 'none',
        '--supervisor', 'Ana Lima <ana@example.com>', '--agent', 'claude-code', ...ledgerArgs,
        // The agent runs in its box: it can write only inside its write scope.
        '--', '/bin/sh', '-c', `env > ${JSON.stringify(path.join(repo, 'src', 'agent.env'))}`,
      ], { cwd: tmp, out: () => undefined, err: (l) => err.push(l) });
      let agentEnv = '';
      try { agentEnv = readFileSync(path.join(repo, 'src', 'agent.env'), 'utf8'); } catch { /* the agent did not run */ }
      return { code, err: err.join('\n'), agentEnv };
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  }

  it('ships the whole trace from a 0600 --ledger-file, with no DDL rights', async () => {
    const file = path.join(tmp, 'ledger.url');
    writeFileSync(file, `${shipperUrl}\n`, { mode: 0o600 });
    const r = await run(['--ledger-file', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /agentlane: ledger postgresql:\/\/shipper@127\.0\.0\.1:\d+\/agentlane: \d+ events stored/);
    assert.doesNotMatch(r.err, new RegExp(PASSWORD));
    const rows = await asOwner(`SELECT event FROM ${EVENTS_TABLE} ORDER BY session_id, seq`) as Array<{ event: string }>;
    assert.equal(rows[0]?.event, 'session.start');
    assert.equal(rows.at(-1)?.event, 'session.end');
  });

  it('lets `verify --ledger` catch the local copy of that trace cut short, and --strict an unended one', async () => {
    const file = path.join(tmp, 'ledger.url');
    writeFileSync(file, `${shipperUrl}\n`, { mode: 0o600 });
    assert.equal((await run(['--ledger-file', file])).code, 0);
    const traces = path.join(tmp, 'traces');
    const verify = async (...args: string[]): Promise<{ code: number; text: string }> => {
      const out: string[] = [];
      const code = await verifyCommand(args, { cwd: tmp, out: (l) => out.push(l), err: (l) => out.push(l) });
      return { code, text: out.join('\n') };
    };
    assert.equal((await verify(traces, '--ledger', pg.url)).code, 0);
    const trace = readdirSync(traces).find((n) => n.endsWith('.trace.jsonl'))!;
    const lines = readFileSync(path.join(traces, trace), 'utf8').split('\n').filter(Boolean);
    // The end of the session (and whatever preceded it) cut off the local copy: alone it still chains.
    writeFileSync(path.join(traces, trace), `${lines.slice(0, -2).join('\n')}\n`);
    const alone = await verify(traces);
    assert.equal(alone.code, 0, alone.text);
    assert.match(alone.text, /incomplete: no session\.end/);
    assert.equal((await verify(traces, '--strict')).code, 1);
    const pinned = await verify(traces, '--ledger', pg.url);
    assert.equal(pinned.code, 1, pinned.text);
    assert.match(pinned.text, /BAD .*truncated at seq \d+ \(line \d+\): .*events were cut from the end/);
  });

  it('keeps the ledger address and password out of the agent\'s environment', async () => {
    const r = await run([], { AGENTLANE_LEDGER: shipperUrl, PGPASSWORD: PASSWORD, DATABASE_URL: shipperUrl, SOME_TOOL_DSN: `password=${PASSWORD}` });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /events stored/);
    assert.ok(r.agentEnv.includes('PATH='), 'the agent got an environment');
    assert.ok(!r.agentEnv.includes(PASSWORD), 'the password reached the agent');
    assert.doesNotMatch(r.agentEnv, /^(AGENTLANE_LEDGER|PG[A-Z]*|DATABASE_URL)=/m);
  });

  it('refuses a password in --ledger before the agent starts', async () => {
    await assert.rejects(run(['--ledger', shipperUrl]), (e: Error) => e.name === 'UsageError' && /--ledger-file FILE/.test(e.message));
    assert.throws(() => readFileSync(path.join(tmp, 'agent.env')), /ENOENT/);
  });

  it('tells a shipping role to ask the owner when the ledger is not initialised', async () => {
    await asOwner('CREATE DATABASE fresh');
    const sink = openSink(shipperUrl.replace(/\/agentlane$/, '/fresh'));
    try {
      await assert.rejects(sink.init!(), (e: unknown) => LedgerError.is(e) && e.reason === 'permission' && /is not initialised .*run `agentlane ledger init --ledger URL` once as the tables' owner/.test(e.message));
    } finally {
      await sink.close();
    }
  });
});
