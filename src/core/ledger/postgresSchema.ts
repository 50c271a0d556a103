/**
 * The PostgreSQL ledger schema, as versioned migrations (`agentlane ledger init` applies the
 * missing ones under an advisory lock, so concurrent inits are safe and re-running is a no-op).
 *
 * The database enforces what the sync engine promises, so a buggy or hostile client cannot
 * break it either:
 *   - append-only: UPDATE, DELETE and TRUNCATE raise ALRO1 on both tables;
 *   - chain: a new event must have seq = head seq + 1 and prev = head hash (genesis zeros at
 *     seq 0), else ALGAP / ALCHN — checked once per statement over the inserted rows. A row
 *     that already exists is skipped by ON CONFLICT; the client then compares the stored hash
 *     with its own (re-send path);
 *   - a checkpoint must pin a stored (seq, hash).
 * Grant the sync role INSERT and SELECT only; the table owner runs init.
 */
export const SCHEMA_VERSION_TABLE = 'agentlane_schema_version';
export const EVENTS_TABLE = 'agentlane_trace_events';
export const CHECKPOINTS_TABLE = 'agentlane_checkpoints';

/** Custom SQLSTATEs raised by the triggers (five characters, class "AL"). */
export const SQLSTATE = { appendOnly: 'ALRO1', gap: 'ALGAP', chain: 'ALCHN' } as const;

/** Arbitrary constant key of the migration advisory lock ("agentlan" in ASCII). */
export const MIGRATION_LOCK_KEY = '7018141131592052078';

export const MIGRATIONS: readonly string[] = [
  // v1
  `
CREATE TABLE ${EVENTS_TABLE} (
  session_id  text        NOT NULL,
  seq         bigint      NOT NULL CHECK (seq >= 0),
  prev        char(64)    NOT NULL CHECK (prev ~ '^[0-9a-f]{64}$'),
  hash        char(64)    NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  event       text        NOT NULL,
  ts          timestamptz NOT NULL,
  raw         text        NOT NULL,
  mission_id  text,
  actor       text        NOT NULL,
  decision    text,
  tool        text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, seq)
);
CREATE INDEX ${EVENTS_TABLE}_decision_idx ON ${EVENTS_TABLE} (decision, ts) WHERE decision IS NOT NULL;

CREATE TABLE ${CHECKPOINTS_TABLE} (
  session_id  text        NOT NULL,
  seq         bigint      NOT NULL,
  head        char(64)    NOT NULL,
  ts          timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, seq)
);

CREATE FUNCTION agentlane_reject_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'agentlane ledger table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = '${SQLSTATE.appendOnly}';
END
$fn$;

-- Set-based, once per statement: every inserted row must link to a stored predecessor (seq - 1
-- with hash = prev), or be seq 0 with the genesis prev. With the primary key that is exactly
-- "seq = head + 1 and prev = head hash" row by row, at a fraction of the cost of a row trigger.
-- Rows ON CONFLICT skipped are not in new_rows: the client checks their hashes itself.
CREATE FUNCTION agentlane_check_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  bad record;
BEGIN
  -- A correlated scalar subquery, not a join: new_rows has no statistics, and a join plan
  -- may scan the whole table per batch; this stays one primary-key probe per row.
  SELECT c.session_id, c.seq, c.prev, c.p_hash INTO bad FROM (
    SELECT r.session_id, r.seq, r.prev,
      (SELECT e.hash FROM ${EVENTS_TABLE} e WHERE e.session_id = r.session_id AND e.seq = r.seq - 1) AS p_hash
    FROM new_rows r
    WHERE NOT (r.seq = 0 AND r.prev = repeat('0', 64))
    OFFSET 0
  ) c
  WHERE c.p_hash IS DISTINCT FROM c.prev
  ORDER BY c.session_id, c.seq
  LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF bad.p_hash IS NULL THEN
    RAISE EXCEPTION 'agentlane ledger gap in session %: seq % was sent but seq % is not stored', bad.session_id, bad.seq, bad.seq - 1
      USING ERRCODE = '${SQLSTATE.gap}', DETAIL = (bad.seq - 1)::text || ' ' || bad.seq::text;
  END IF;
  RAISE EXCEPTION 'agentlane ledger chain break in session % at seq %: prev does not match the stored hash of seq %', bad.session_id, bad.seq, bad.seq - 1
    USING ERRCODE = '${SQLSTATE.chain}', DETAIL = (bad.seq - 1)::text || ' ' || bad.p_hash || ' ' || bad.prev;
END
$fn$;

CREATE FUNCTION agentlane_check_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${EVENTS_TABLE} e WHERE e.session_id = NEW.session_id AND e.seq = NEW.seq AND e.hash = NEW.head) THEN
    RAISE EXCEPTION 'agentlane checkpoint of session % at seq % does not pin a stored event', NEW.session_id, NEW.seq
      USING ERRCODE = '${SQLSTATE.chain}', DETAIL = NEW.seq::text || ' ' || NEW.head || ' ' || NEW.head;
  END IF;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER ${EVENTS_TABLE}_chain AFTER INSERT ON ${EVENTS_TABLE}
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION agentlane_check_chain();
CREATE TRIGGER ${EVENTS_TABLE}_append_only BEFORE UPDATE OR DELETE ON ${EVENTS_TABLE}
  FOR EACH ROW EXECUTE FUNCTION agentlane_reject_change();
CREATE TRIGGER ${EVENTS_TABLE}_no_truncate BEFORE TRUNCATE ON ${EVENTS_TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION agentlane_reject_change();
CREATE TRIGGER ${CHECKPOINTS_TABLE}_pins BEFORE INSERT ON ${CHECKPOINTS_TABLE}
  FOR EACH ROW EXECUTE FUNCTION agentlane_check_checkpoint();
CREATE TRIGGER ${CHECKPOINTS_TABLE}_append_only BEFORE UPDATE OR DELETE ON ${CHECKPOINTS_TABLE}
  FOR EACH ROW EXECUTE FUNCTION agentlane_reject_change();
CREATE TRIGGER ${CHECKPOINTS_TABLE}_no_truncate BEFORE TRUNCATE ON ${CHECKPOINTS_TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION agentlane_reject_change();
`,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
