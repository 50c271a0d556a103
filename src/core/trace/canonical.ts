/**
 * Canonical encoding and domain-separated hashing of trace events and checkpoints.
 *
 * Canonical JSON here is RFC 8785 (JCS) for the values a trace holds: object keys sorted by
 * UTF-16 code units at every depth, no whitespace, strings and numbers exactly as ECMAScript
 * `JSON.stringify` writes them. Values JSON cannot carry faithfully (NaN, ±Infinity, bigint,
 * functions, symbols, `undefined` inside an array) are rejected instead of silently becoming
 * `null`; an `undefined` object property is omitted, as JSON.stringify does, so optional fields
 * round-trip through JSON.parse byte for byte.
 *
 * LINE LAYOUT (the on-disk contract, see also README in this folder):
 *
 *   body = canonical(event without `hash`)                       e.g. {"actor":"agent",…,"ts":"…"}
 *   hash = hex(SHA-256("agentlane-trace-v1\x00" ‖ body))
 *   line = body without its final "}" ‖ ',"hash":"' ‖ hash ‖ '"}' ‖ "\n"
 *
 * So every line ends with exactly `,"hash":"<64 lowercase hex>"}\n` (76 bytes), and a verifier
 * recovers the hashed bytes from the raw line — drop the last 75 bytes before the newline and
 * append "}" — without parsing or re-encoding. `hash` is therefore the last key on the line
 * (outside the sorted order on purpose); every other key is in canonical order.
 */
import { createHash } from 'node:crypto';
import { AgentLaneError } from '../common/errors';

/**
 * The schema version the writer writes. /2 added trust labels (`reported_by`) and the host-side
 * kinds (commit.observed, sandbox.status, sandbox.violation, hook.refused); the byte layout and
 * the hash domain did not change, so /1 traces keep verifying as they are.
 */
export const TRACE_SCHEMA = 'agentlane.trace/2';
/** Every version a reader accepts, oldest first. */
export const TRACE_SCHEMAS = ['agentlane.trace/1', 'agentlane.trace/2'] as const;
export type TraceSchemaVersion = (typeof TRACE_SCHEMAS)[number];
export const TRACE_DOMAIN = 'agentlane-trace-v1\x00';
export const CHECKPOINT_DOMAIN = 'agentlane-checkpoint-v1\x00';
export const COMMAND_DOMAIN = 'agentlane-command-v1\x00';
export const PROMPT_DOMAIN = 'agentlane-prompt-v1\x00';
/** `prev` of the first event of a session: there is nothing before it. */
export const GENESIS_PREV = '0'.repeat(64);
/** `,"hash":"` + 64 hex + `"}` — the fixed tail of every line before its newline. */
export const HASH_SUFFIX_PREFIX = ',"hash":"';
export const HASH_SUFFIX_LENGTH = HASH_SUFFIX_PREFIX.length + 64 + 2;

export type CanonicalReason = 'non-finite-number' | 'unsupported-type' | 'undefined-in-array' | 'cycle';

export class CanonicalEncodingError extends AgentLaneError<CanonicalReason> {
  constructor(reason: CanonicalReason, readonly path: string) {
    super(reason, `cannot encode \`${path}\` canonically: ${reason}`);
  }
}

/** Deterministic JSON (JCS) of a JSON-compatible value. Throws CanonicalEncodingError otherwise. */
export function canonicalJson(value: unknown): string {
  return encode(value, '$', new Set());
}

function encode(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalEncodingError('non-finite-number', path);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (seen.has(value)) throw new CanonicalEncodingError('cycle', path);
      seen.add(value);
      try {
        return Array.isArray(value) ? encodeArray(value, path, seen) : encodeObject(value, path, seen);
      } finally {
        seen.delete(value);
      }
    default:
      throw new CanonicalEncodingError('unsupported-type', path);
  }
}

function encodeArray(items: readonly unknown[], path: string, seen: Set<object>): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (items[i] === undefined) throw new CanonicalEncodingError('undefined-in-array', `${path}[${i}]`);
    parts.push(encode(items[i], `${path}[${i}]`, seen));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(obj: object, path: string, seen: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(obj);
  // Dates, Maps, Buffers… have no single JSON meaning; the caller must convert them first.
  if (proto !== Object.prototype && proto !== null) throw new CanonicalEncodingError('unsupported-type', path);
  const record = obj as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly what JCS prescribes.
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${encode(v, `${path}.${key}`, seen)}`);
  }
  return `{${parts.join(',')}}`;
}

function sha256Hex(domain: string, payload: string): string {
  return createHash('sha256').update(domain, 'utf8').update(payload, 'utf8').digest('hex');
}

/** The hash of an event: SHA-256 over the trace domain tag and the canonical event without `hash`. */
export function hashEvent(eventWithoutHash: object): string {
  if ('hash' in eventWithoutHash) throw new CanonicalEncodingError('unsupported-type', '$.hash');
  return sha256Hex(TRACE_DOMAIN, canonicalJson(eventWithoutHash));
}

/** Hash of an already canonical body (the writer encodes once and reuses the bytes for the line). */
export function hashCanonicalBody(body: string): string {
  return sha256Hex(TRACE_DOMAIN, body);
}

/** The full line (with newline) for a canonical body and its hash. See the layout above. */
export function lineFromBody(body: string, hash: string): string {
  return `${body.slice(0, -1)}${HASH_SUFFIX_PREFIX}${hash}"}\n`;
}

/** What commit trailers and the ledger pin: the chain head after event `seq` of a session. */
export interface TraceCheckpoint {
  session_id: string;
  seq: number;
  head: string;
}

/** Versioned canonical text of a checkpoint (domain tag included), e.g. for signing or trailers. */
export function encodeCheckpoint(cp: TraceCheckpoint): string {
  return CHECKPOINT_DOMAIN + canonicalJson({ session_id: cp.session_id, seq: cp.seq, head: cp.head });
}

/** A short stable id of a checkpoint: hex SHA-256 of its encoding. */
export function checkpointDigest(cp: TraceCheckpoint): string {
  return createHash('sha256').update(encodeCheckpoint(cp), 'utf8').digest('hex');
}
