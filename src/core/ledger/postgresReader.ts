/**
 * Reads a PostgreSQL ledger back (tables: postgresSchema.ts) for `verify` and `check-commits`.
 *
 * One connection, one REPEATABLE READ READ ONLY transaction for the reader's whole life: every
 * query sees the same snapshot, so a checkpoint read after the events can never pin a seq the
 * event query did not see (the sync engine keeps appending while an auditor reads). Sessions
 * and rows are paged by key (session id; seq), never OFFSET, so a large ledger is read with
 * one primary-key range scan per page and a session is held in memory only while it is checked.
 *
 * Every row is validated with zod; a row that is not what agentlane stores is `corrupt-ledger`.
 * Besides the bytes, each row's columns are compared with its own raw line (RowMismatch): the
 * triggers check the columns at insert time, so a disagreement means someone went around them.
 */
import { Client, type ClientConfig } from 'pg';
import { z } from 'zod';
import type { TraceCheckpoint } from '../trace/canonical';
import { LedgerError } from './errors';
import type { LedgerReader, RowMismatch, SessionRead } from './ledgerReader';
import { CHECKPOINTS_TABLE, EVENTS_TABLE, LATEST_SCHEMA_VERSION, SCHEMA_VERSION_TABLE } from './postgresSchema';
import { pgError } from './postgresSink';

/** int8 arrives as a string from node-postgres; both forms are accepted. */
const SeqSchema = z.union([z.string().regex(/^\d{1,15}$/), z.number().int().nonnegative()]).transform(Number);
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const SessionRowSchema = z.object({ session_id: z.string().min(1) });
const EventRowSchema = z.object({ seq: SeqSchema, prev: Hex64, hash: Hex64, raw: z.string() });
const CheckpointRowSchema = z.object({ session_id: z.string().min(1), seq: SeqSchema, head: Hex64 });
const VersionRowSchema = z.object({ version: z.union([z.number().int(), z.null()]) });
const ExistsRowSchema = z.object({ ok: z.boolean() });
/** The fields of a raw line the columns were taken from when the row was inserted. */
const RawFactsSchema = z.looseObject({
  session_id: z.string(),
  seq: z.number().int().nonnegative(),
  prev: z.string(),
  hash: z.string(),
});

export interface PostgresReaderOptions {
  /** Passed to pg.Client (tests shorten timeouts). */
  client?: Omit<ClientConfig, 'connectionString'>;
  /** Rows per page when reading a session (default 10 000). */
  pageRows?: number;
  /** Session ids per page when listing sessions (default 1 000). */
  pageSessions?: number;
}

type Rows = { rows: unknown[] };

export class PostgresReader implements LedgerReader {
  readonly kind = 'postgres' as const;
  readonly checkpointsDisplay: string;
  private readonly client: Client;
  private readonly pageRows: number;
  private readonly pageSessions: number;
  private ready: Promise<void> | undefined;
  private closed = false;
  private broken: Error | undefined;

  constructor(url: string, readonly display: string, opts: PostgresReaderOptions = {}) {
    this.checkpointsDisplay = `${display} (${CHECKPOINTS_TABLE})`;
    this.client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'agentlane-ledger-reader', ...opts.client });
    // A server that goes away mid-read emits 'error' besides failing the query; unhandled it
    // would kill the process. The next query reports it.
    this.client.on('error', (e: Error) => { this.broken = e; });
    this.pageRows = Math.max(1, opts.pageRows ?? 10_000);
    this.pageSessions = Math.max(1, opts.pageSessions ?? 1_000);
  }

  async *sessions(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      // Distinct session ids by repeated index probes ("loose index scan"): one primary-key
      // lookup per session instead of reading every event row.
      const res = await this.query('list the ledger sessions', `
WITH RECURSIVE s(session_id, n) AS (
  (SELECT session_id, 1 FROM ${EVENTS_TABLE} WHERE session_id > $1 ORDER BY session_id LIMIT 1)
  UNION ALL
  SELECT (SELECT e.session_id FROM ${EVENTS_TABLE} e WHERE e.session_id > s.session_id ORDER BY e.session_id LIMIT 1), s.n + 1
  FROM s WHERE s.session_id IS NOT NULL AND s.n < $2
)
SELECT session_id FROM s WHERE session_id IS NOT NULL ORDER BY session_id`, [after, this.pageSessions]);
      const ids = res.rows.map((r) => this.parseRow(SessionRowSchema, r).session_id);
      for (const id of ids) yield id;
      if (ids.length < this.pageSessions) return;
      after = ids[ids.length - 1]!;
    }
  }

  async traceBytes(sessionId: string): Promise<Buffer> {
    return (await this.readSession(sessionId)).bytes;
  }

  async readSession(sessionId: string): Promise<SessionRead> {
    const chunks: Buffer[] = [];
    const mismatches: RowMismatch[] = [];
    let lines = 0;
    let after = -1;
    for (;;) {
      const res = await this.query(`read ledger session \`${sessionId}\``,
        `SELECT seq, prev, hash, raw FROM ${EVENTS_TABLE} WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [sessionId, after, this.pageRows]);
      for (const r of res.rows) {
        const row = this.parseRow(EventRowSchema, r);
        lines++;
        chunks.push(Buffer.from(`${row.raw}\n`, 'utf8'));
        const m = compareRow(sessionId, row, lines);
        if (m) mismatches.push(m);
        after = row.seq;
      }
      if (res.rows.length < this.pageRows) break;
    }
    return { sessionId, bytes: Buffer.concat(chunks), lines, mismatches };
  }

  async checkpoints(): Promise<TraceCheckpoint[]> {
    const res = await this.query('read the ledger checkpoints', `SELECT session_id, seq, head FROM ${CHECKPOINTS_TABLE} ORDER BY session_id, seq`);
    return res.rows.map((r) => {
      const cp = this.parseRow(CheckpointRowSchema, r);
      return { session_id: cp.session_id, seq: cp.seq, head: cp.head };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ready) {
      // Only a read-only snapshot to end; a connection that never came up has nothing to end.
      const connected = await this.ready.then(() => true, () => false);
      if (connected) await this.client.query('COMMIT').catch(() => undefined);
      await this.client.end().catch(() => undefined);
    }
  }

  private connect(): Promise<void> {
    this.ready ??= (async () => {
      try {
        await this.client.connect();
      } catch (e) {
        throw pgError(e, 'connect to read', this.display);
      }
      try {
        await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const exists = await this.client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [SCHEMA_VERSION_TABLE]);
        const version = this.parseRow(ExistsRowSchema, exists.rows[0]).ok
          ? this.parseRow(VersionRowSchema, (await this.client.query(`SELECT max(version) AS version FROM ${SCHEMA_VERSION_TABLE}`)).rows[0]).version ?? 0
          : 0;
        if (version === 0) {
          throw new LedgerError('not-initialised', `ledger \`${this.display}\` has no agentlane tables: nothing was ever synced to it (run \`agentlane ledger init --ledger URL\` before syncing)`);
        }
        if (version > LATEST_SCHEMA_VERSION) {
          throw new LedgerError('schema-too-new', `ledger \`${this.display}\` has schema version ${version}, this build reads up to ${LATEST_SCHEMA_VERSION}: upgrade agentlane`);
        }
      } catch (e) {
        throw pgError(e, 'open a read snapshot', this.display);
      }
    })();
    return this.ready;
  }

  private async query(doing: string, sql: string, params: unknown[] = []): Promise<Rows> {
    if (this.closed) throw new LedgerError('closed', `ledger reader \`${this.display}\` is closed`);
    await this.connect();
    if (this.broken) throw pgError(this.broken, doing, this.display);
    try {
      const res = await this.client.query(sql, params);
      return { rows: res.rows as unknown[] };
    } catch (e) {
      throw pgError(e, doing, this.display);
    }
  }

  private parseRow<T>(schema: z.ZodType<T>, row: unknown): T {
    const res = schema.safeParse(row);
    if (!res.success) {
      const issue = res.error.issues[0];
      throw new LedgerError('corrupt-ledger', `ledger \`${this.display}\` returned a row that is not what agentlane stores (\`${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid'})`);
    }
    return res.data;
  }
}

/** The first way a row's columns disagree with its raw line, or undefined when they agree. */
function compareRow(sessionId: string, row: z.infer<typeof EventRowSchema>, line: number): RowMismatch | undefined {
  const base = { sessionId, seq: row.seq, line, columnHash: row.hash };
  const at = `row seq ${row.seq} of session \`${sessionId}\``;
  if (/[\r\n]/.test(row.raw)) {
    return { ...base, field: 'raw', rawHash: null, message: `${at}: its raw text holds a line break, it is not one trace line (rewritten in the database)` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.raw);
  } catch {
    return { ...base, field: 'raw', rawHash: null, message: `${at}: its raw text is not JSON (rewritten in the database)` };
  }
  const facts = RawFactsSchema.safeParse(parsed);
  if (!facts.success) {
    return { ...base, field: 'raw', rawHash: null, message: `${at}: its raw text is not a trace event (rewritten in the database)` };
  }
  const f = facts.data;
  const differs: Array<[RowMismatch['field'], string, string]> = [];
  if (f.session_id !== sessionId) differs.push(['session_id', f.session_id, sessionId]);
  if (f.seq !== row.seq) differs.push(['seq', String(f.seq), String(row.seq)]);
  if (f.hash !== row.hash) differs.push(['hash', f.hash, row.hash]);
  if (f.prev !== row.prev) differs.push(['prev', f.prev, row.prev]);
  if (differs.length === 0) return undefined;
  const short = (v: string): string => (v.length > 16 ? `${v.slice(0, 12)}…` : v);
  const what = differs.map(([k, raw, col]) => `${k} ${short(raw)} in the line but ${short(col)} in the column`).join(', ');
  return { ...base, field: differs[0]![0], rawHash: f.hash, message: `${at} disagrees with its own columns: ${what} — the row was changed around the ledger's triggers` };
}
