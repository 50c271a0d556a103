/**
 * PostgreSQL ledger: one row per event in `agentlane_trace_events` (postgresSchema.ts).
 *
 * A batch is one statement: INSERT … SELECT FROM unnest(…) (eleven array parameters however
 * many rows — far cheaper to parse than a VALUES list) with ON CONFLICT (session_id, seq) DO
 * NOTHING RETURNING seq. Rows that were not inserted already existed; their stored hashes must
 * equal ours, else the call fails with LedgerConflictError — and nothing of a conflicting
 * batch is written (see append).
 */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { z } from 'zod';
import { errnoCode, isNetworkCode, LedgerConflictError, LedgerError, type LedgerErrorReason } from './errors';
import { CHECKPOINTS_TABLE, EVENTS_TABLE, LATEST_SCHEMA_VERSION, MIGRATION_LOCK_KEY, MIGRATIONS, SCHEMA_VERSION_TABLE, SQLSTATE } from './postgresSchema';
import type { LedgerCheckpoint, LedgerHead, LedgerLine, LedgerSink } from './sink';
import { describeError } from '../common/errors';

/** int8 arrives as a string from node-postgres; both forms are accepted. */
const SeqSchema = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(Number);
const HeadRowSchema = z.object({ seq: SeqSchema, hash: z.string().regex(/^[0-9a-f]{64}$/) });
const InsertedRowSchema = z.object({ seq: SeqSchema });
const VersionRowSchema = z.object({ version: z.union([z.number().int(), z.null()]) });

export interface PostgresSinkOptions {
  /** Passed to pg.Pool (tests shorten timeouts). */
  pool?: Omit<PoolConfig, 'connectionString'>;
}

export class PostgresSink implements LedgerSink {
  readonly name = 'postgres' as const;
  private readonly pool: Pool;
  private closed = false;

  constructor(url: string, readonly id: string, readonly display: string, opts: PostgresSinkOptions = {}) {
    this.pool = new Pool({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: 'agentlane-ledger',
      ...opts.pool,
    });
    // An idle client whose server went away emits 'error'; unhandled, it would kill the
    // process. The pool drops that client and the next query reconnects (and reports).
    this.pool.on('error', () => undefined);
  }

  /**
   * Brings the schema to the latest version. When it already is, nothing but a SELECT runs, so
   * a shipping role with only INSERT and SELECT (`agentlane run --ledger`) can call it; only a
   * missing or older schema needs the owner (`agentlane ledger init`).
   */
  async init(): Promise<void> {
    let current: number;
    try {
      current = await this.schemaVersion();
    } catch (e) {
      if (LedgerError.is(e) && e.reason === 'permission') {
        throw new LedgerError('permission', `${e.message}: the ledger role needs SELECT on ${SCHEMA_VERSION_TABLE} and SELECT, INSERT on ${EVENTS_TABLE} and ${CHECKPOINTS_TABLE}`, { cause: e });
      }
      throw e;
    }
    if (current === LATEST_SCHEMA_VERSION) return;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new LedgerError('schema-too-new', `ledger \`${this.display}\` has schema version ${current}, this build knows up to ${LATEST_SCHEMA_VERSION}: upgrade agentlane`);
    }
    try {
      await this.migrate();
    } catch (e) {
      if (LedgerError.is(e) && e.reason === 'permission') {
        throw new LedgerError('permission', `ledger \`${this.display}\` ${current === 0 ? 'is not initialised' : `has schema version ${current}, this build needs ${LATEST_SCHEMA_VERSION}`} and this role cannot change the schema: run \`agentlane ledger init --ledger URL\` once as the tables' owner`, { cause: e });
      }
      throw e;
    }
  }

  private async migrate(): Promise<void> {
    await this.withClient('initialise the ledger schema', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
        await c.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA_VERSION_TABLE} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        const res = await c.query(`SELECT max(version) AS version FROM ${SCHEMA_VERSION_TABLE}`);
        const current = VersionRowSchema.parse(res.rows[0]).version ?? 0;
        if (current > LATEST_SCHEMA_VERSION) {
          throw new LedgerError('schema-too-new', `ledger \`${this.display}\` has schema version ${current}, this build knows up to ${LATEST_SCHEMA_VERSION}: upgrade agentlane`);
        }
        for (let v = current + 1; v <= LATEST_SCHEMA_VERSION; v++) {
          await c.query(MIGRATIONS[v - 1]!);
          await c.query(`INSERT INTO ${SCHEMA_VERSION_TABLE} (version) VALUES ($1)`, [v]);
        }
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** The schema version stored in the database (0 when not initialised). */
  async schemaVersion(): Promise<number> {
    return this.withClient('read the ledger schema version', async (c) => {
      const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [SCHEMA_VERSION_TABLE]);
      if (!z.object({ ok: z.boolean() }).parse(exists.rows[0]).ok) return 0;
      const res = await c.query(`SELECT max(version) AS version FROM ${SCHEMA_VERSION_TABLE}`);
      return VersionRowSchema.parse(res.rows[0]).version ?? 0;
    });
  }

  async head(sessionId: string): Promise<LedgerHead | undefined> {
    return this.withClient('read the ledger head', async (c) => {
      const res = await c.query(`SELECT seq, hash FROM ${EVENTS_TABLE} WHERE session_id = $1 ORDER BY seq DESC LIMIT 1`, [sessionId]);
      return res.rows.length === 0 ? undefined : this.parseRow(HeadRowSchema, res.rows[0]);
    });
  }

  async append(sessionId: string, lines: readonly LedgerLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.withClient(`append to ledger session \`${sessionId}\``, sessionId, async (c) => {
      // One statement, so one round trip and atomic by itself. Skipped rows (a re-send) form a
      // prefix of the batch; if one of them differs from what is stored, the chains diverged
      // at or before the stored head, so the first new row cannot link to it and the chain
      // trigger aborts the whole statement. A conflict therefore never writes anything.
      const inserted = await c.query(INSERT_EVENTS, [sessionId, ...columnsOf(lines)]);
      if (inserted.rows.length === lines.length) return;
      const stored = new Set(inserted.rows.map((r: unknown) => this.parseRow(InsertedRowSchema, r).seq));
      const resent = lines.filter((l) => !stored.has(l.seq));
      const res = await c.query(`SELECT seq, hash FROM ${EVENTS_TABLE} WHERE session_id = $1 AND seq = ANY($2::bigint[])`, [sessionId, resent.map((l) => l.seq)]);
      const hashes = new Map(res.rows.map((r: unknown) => {
        const row = this.parseRow(HeadRowSchema, r);
        return [row.seq, row.hash] as const;
      }));
      for (const l of resent) {
        const h = hashes.get(l.seq);
        if (h === undefined) throw new LedgerError('corrupt-ledger', `ledger \`${this.display}\` neither stored nor holds session \`${sessionId}\` seq ${l.seq}`);
        if (h !== l.hash) throw new LedgerConflictError(sessionId, l.seq, h, l.hash);
      }
    });
  }

  async checkpoint(cp: LedgerCheckpoint): Promise<void> {
    await this.withClient('store a ledger checkpoint', async (c) => {
      await c.query(`INSERT INTO ${CHECKPOINTS_TABLE} (session_id, seq, head, ts) VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, seq) DO NOTHING`, [cp.session_id, cp.seq, cp.head, cp.ts]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private parseRow<T>(schema: z.ZodType<T>, row: unknown): T {
    const res = schema.safeParse(row);
    if (!res.success) throw new LedgerError('corrupt-ledger', `ledger \`${this.display}\` returned a row that is not what agentlane stores: ${res.error.issues[0]?.message ?? 'invalid'}`);
    return res.data;
  }

  private async withClient<T>(doing: string, sessionOrWork: string | ((c: PoolClient) => Promise<T>), maybeWork?: (c: PoolClient) => Promise<T>): Promise<T> {
    const sessionId = typeof sessionOrWork === 'string' ? sessionOrWork : undefined;
    const work = typeof sessionOrWork === 'string' ? maybeWork! : sessionOrWork;
    if (this.closed) throw new LedgerError('closed', `ledger \`${this.display}\` is closed`);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw pgError(e, doing, this.display, sessionId);
    }
    let broken = false;
    // A checked-out client whose server goes away emits 'error' besides failing the query;
    // without a listener that event would crash the process.
    const onError = (): void => { broken = true; };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (e) {
      const le = pgError(e, doing, this.display, sessionId);
      // A connection that failed mid-query is not reused: the pool opens a fresh one.
      broken ||= le.reason === 'unreachable' || le.reason === 'unavailable';
      throw le;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

const INSERT_EVENTS = `
INSERT INTO ${EVENTS_TABLE} (session_id, seq, prev, hash, event, ts, raw, mission_id, actor, decision, tool)
SELECT $1, u.seq, u.prev, u.hash, u.event, u.ts, u.raw, u.mission_id, u.actor, u.decision, u.tool
FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
  WITH ORDINALITY AS u(seq, prev, hash, event, ts, raw, mission_id, actor, decision, tool, ord)
ORDER BY u.ord
ON CONFLICT (session_id, seq) DO NOTHING
RETURNING seq`;

function columnsOf(lines: readonly LedgerLine[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 10 }, () => new Array<unknown>(lines.length));
  lines.forEach((l, i) => {
    const ev = l.event;
    cols[0]![i] = l.seq;
    cols[1]![i] = l.prev;
    cols[2]![i] = l.hash;
    cols[3]![i] = ev.event;
    cols[4]![i] = ev.ts;
    cols[5]![i] = l.raw;
    cols[6]![i] = ev.mission_id;
    cols[7]![i] = ev.actor;
    cols[8]![i] = ev.event === 'tool.decision' ? ev.decision : null;
    cols[9]![i] = ev.event === 'tool.decision' ? ev.tool : null;
  });
  return cols;
}

const RETRYABLE_SQLSTATE: ReadonlyMap<string, LedgerErrorReason> = new Map([
  ['57P01', 'unavailable'], // admin_shutdown: the server is restarting
  ['57P02', 'unavailable'], // crash_shutdown
  ['57P03', 'unavailable'], // cannot_connect_now: starting up
  ['53300', 'unavailable'], // too_many_connections
  ['40001', 'unavailable'], // serialization_failure
  ['40P01', 'unavailable'], // deadlock_detected
]);

/** Maps a node-postgres failure to a typed ledger error. */
export function pgError(e: unknown, doing: string, display: string, sessionId?: string): LedgerError {
  if (LedgerError.is(e)) return e;
  const code = errnoCode(e);
  const msg = describeError(e);
  const detail = (e as { detail?: unknown }).detail;
  const where = `cannot ${doing} in ledger \`${display}\``;
  if (code === SQLSTATE.chain && typeof detail === 'string') {
    const [seq, stored, sent] = detail.split(' ');
    return new LedgerConflictError(sessionId ?? '?', Number(seq), stored ?? '', sent ?? '', 'the new events do not continue the stored chain');
  }
  if (code === SQLSTATE.gap) return new LedgerError('gap', `${where}: ${msg}; the ledger lost events that were acknowledged`, { cause: e });
  if (code === SQLSTATE.appendOnly) return new LedgerError('rejected', `${where}: ${msg}`, { cause: e });
  if (code !== undefined && RETRYABLE_SQLSTATE.has(code)) return new LedgerError(RETRYABLE_SQLSTATE.get(code)!, `${where}: ${msg} (${code})`, { cause: e });
  if (code?.startsWith('08') || isNetworkCode(code)) return new LedgerError('unreachable', `${where}: ${msg} (${code})`, { cause: e });
  if (code === '42P01') return new LedgerError('not-initialised', `${where}: the ledger tables are missing: run \`agentlane ledger init --ledger URL\``, { cause: e });
  if (code === '53100') return new LedgerError('no-space', `${where}: the database disk is full (${code})`, { cause: e });
  if (code === '42501' || code?.startsWith('28')) return new LedgerError('permission', `${where}: ${msg} (${code})`, { cause: e });
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return new LedgerError('rejected', `${where}: ${msg} (${code})`, { cause: e });
  // node-postgres reports a dropped connection without a code ("Connection terminated …").
  return new LedgerError('unreachable', `${where}: ${msg}`, { cause: e });
}
