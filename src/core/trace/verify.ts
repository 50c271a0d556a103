/**
 * The fast trace verifier. Deliberately independent of the writer: it imports only the
 * constants of canonical.ts and the schema, and re-derives every hash from the bytes as written.
 *
 * Fast path per line (see canonical.ts for the layout): check the fixed `,"hash":"<hex>"}`
 * tail, hash `domain ‖ line-without-tail ‖ "}"` straight from the file buffer, and pull `event`,
 * `prev` and `seq` out with three bounded byte searches — the canonical key order
 * (event < prev < seq) and JSON string escaping guarantee that those byte patterns can only be
 * those top-level keys. Lines that need more (session.start, unknown kinds, sampled lines,
 * anything odd) get the full check: JSON.parse, canonical re-encoding, zod.
 */
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { GENESIS_PREV, HASH_SUFFIX_LENGTH, HASH_SUFFIX_PREFIX, TRACE_DOMAIN, type TraceCheckpoint } from './canonical';
import { TRACE_EVENT_KINDS, TraceEventSchema } from './schema';
import type { TraceDamage, VerifyFailure, VerifyOptions, VerifyResult } from './verifyTypes';

export type { TraceDamage, VerifyFailure, VerifyOk, VerifyOptions, VerifyResult } from './verifyTypes';

const NL = 0x0a;
const QUOTE = 0x22;
const DOMAIN = Buffer.from(TRACE_DOMAIN, 'utf8');
const TAIL_START = Buffer.from(HASH_SUFFIX_PREFIX, 'latin1');
const K_EVENT = Buffer.from('"event":"', 'latin1');
const K_PREV = Buffer.from('"prev":"', 'latin1');
const K_SEQ = Buffer.from('"seq":', 'latin1');
const KNOWN_KINDS: ReadonlySet<string> = new Set(TRACE_EVENT_KINDS);

/** crypto.hash (Node ≥ 20.12) skips the Hash object; fall back where it is missing. */
const sha256Hex: (data: Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

let scratch = Buffer.alloc(64 * 1024);

/** The claimed `hash` of line [s, e) if the line has the fixed tail, else undefined. */
function claimedHash(buf: Buffer, s: number, e: number): string | undefined {
  if (e - s < HASH_SUFFIX_LENGTH + 2 || buf[s] !== 0x7b || buf[e - 1] !== 0x7d || buf[e - 2] !== QUOTE) return undefined;
  const t = e - HASH_SUFFIX_LENGTH;
  if (TAIL_START.compare(buf, t, t + TAIL_START.length) !== 0) return undefined;
  return buf.toString('latin1', t + TAIL_START.length, e - 2);
}

/** SHA-256 over the trace domain and the line's body bytes (tail dropped, "}" restored). */
function bytesHash(buf: Buffer, s: number, e: number): string {
  const bodyLen = e - HASH_SUFFIX_LENGTH - s;
  const n = DOMAIN.length + bodyLen + 1;
  if (scratch.length < n) {
    scratch = Buffer.alloc(Math.max(n, scratch.length * 2));
  }
  DOMAIN.copy(scratch, 0);
  buf.copy(scratch, DOMAIN.length, s, s + bodyLen);
  scratch[n - 1] = 0x7d;
  return sha256Hex(scratch.subarray(0, n));
}

function intact(buf: Buffer, s: number, e: number): boolean {
  const claimed = claimedHash(buf, s, e);
  return claimed !== undefined && bytesHash(buf, s, e) === claimed;
}

function find(buf: Buffer, needle: Buffer, from: number, end: number): number {
  const i = buf.indexOf(needle, from);
  return i >= 0 && i + needle.length <= end ? i : -1;
}

interface LineFacts {
  event: string;
  prev: string;
  seq: number;
  /** Only known after a full check (session.start lines always get one). */
  sessionId?: string;
}

function extract(buf: Buffer, s: number, e: number): LineFacts | undefined {
  const ev = find(buf, K_EVENT, s, e);
  if (ev < 0) return undefined;
  const evStart = ev + K_EVENT.length;
  const evEnd = buf.indexOf(QUOTE, evStart);
  if (evEnd < 0 || evEnd >= e) return undefined;
  const pv = find(buf, K_PREV, evEnd, e);
  if (pv < 0) return undefined;
  const prevStart = pv + K_PREV.length;
  if (prevStart + 65 > e || buf[prevStart + 64] !== QUOTE) return undefined;
  const sq = find(buf, K_SEQ, prevStart + 65, e);
  if (sq < 0) return undefined;
  let i = sq + K_SEQ.length;
  const digitsStart = i;
  let seq = 0;
  while (i < e && buf[i]! >= 0x30 && buf[i]! <= 0x39) seq = seq * 10 + (buf[i++]! - 0x30);
  const digits = i - digitsStart;
  if (digits === 0 || digits > 15 || (digits > 1 && buf[digitsStart] === 0x30) || (buf[i] !== 0x2c && buf[i] !== 0x7d)) return undefined;
  return { event: buf.toString('latin1', evStart, evEnd), prev: buf.toString('latin1', prevStart, prevStart + 64), seq };
}

/** Minimal JCS encoder of parsed JSON, independent of canonical.ts on purpose. */
function jcs(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${jcs(o[k])}`).join(',')}}`;
}

type FullCheck = { ok: true; facts: LineFacts } | { ok: false; kind: TraceDamage; message: string };

function fullCheck(buf: Buffer, s: number, e: number): FullCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', s, e));
  } catch {
    return { ok: false, kind: 'modified', message: 'is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as { hash?: unknown }).hash !== 'string') {
    return { ok: false, kind: 'modified', message: 'is not an event object with a hash' };
  }
  const { hash, ...body } = parsed as Record<string, unknown>;
  const canonical = `${jcs(body).slice(0, -1)}${HASH_SUFFIX_PREFIX}${String(hash)}"}`;
  if (Buffer.byteLength(canonical) !== e - s || Buffer.from(canonical, 'utf8').compare(buf, s, e) !== 0) {
    return { ok: false, kind: 'modified', message: 'is not in canonical form' };
  }
  const res = TraceEventSchema.safeParse(parsed);
  if (!res.success) {
    const issue = res.error.issues[0];
    return { ok: false, kind: 'schema', message: `is not a valid trace event at \`${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid'}` };
  }
  const ev = res.data;
  return { ok: true, facts: { event: ev.event, prev: ev.prev, seq: ev.seq, sessionId: ev.session_id } };
}

export function verifyTraceBytes(input: Buffer | string, opts: VerifyOptions = {}): VerifyResult {
  return new FastVerifier(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, opts).run();
}

export async function verifyTraceFile(file: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  return verifyTraceBytes(await fsp.readFile(file), opts);
}

interface Chain {
  sessionId: string;
  seq: number;
  head: string;
  /** `"session_id":"<id>"` as bytes: a cheap same-session check on fast-path lines. */
  sidNeedle: Buffer;
}

class FastVerifier {
  private readonly mode: 'all' | 'sample' | 'none';
  private readonly every: number;
  private readonly pinned = new Map<string, Map<number, string>>();
  private readonly ends = new Map<string, { seq: number; head: string }>();
  private readonly sessionIds: string[] = [];
  private readonly ended = new Set<string>();
  private cur: Chain | undefined;
  private events = 0;

  constructor(private readonly buf: Buffer, private readonly opts: VerifyOptions) {
    this.mode = opts.schema ?? 'sample';
    this.every = Math.max(1, opts.sampleEvery ?? 64);
    for (const cp of opts.checkpoints ?? []) {
      let m = this.pinned.get(cp.session_id);
      if (!m) this.pinned.set(cp.session_id, (m = new Map()));
      m.set(cp.seq, cp.head);
    }
  }

  run(): VerifyResult {
    const { buf } = this;
    if (buf.length === 0) return this.fail(0, 'header', 1, 'the trace is empty');
    let lineNo = 0;
    for (let s = 0; s < buf.length; ) {
      lineNo++;
      const e = buf.indexOf(NL, s);
      const expected = this.cur ? this.cur.seq + 1 : 0;
      if (e < 0) return this.fail(expected, 'torn', lineNo, `line ${lineNo} ends without a newline: a write was cut off (${buf.length - s} bytes)`);
      if (!intact(buf, s, e)) return this.fail(expected, 'modified', lineNo, `line ${lineNo} does not match its hash: it was changed after it was written`);
      let facts = extract(buf, s, e);
      const full = !facts || facts.event === 'session.start' || !KNOWN_KINDS.has(facts.event) || this.mode === 'all'
        || (this.mode === 'sample' && ((lineNo - 1) % this.every === 0 || e === buf.length - 1));
      if (full) {
        const checked = fullCheck(buf, s, e);
        if (!checked.ok) return this.fail(expected, checked.kind, lineNo, `line ${lineNo} ${checked.message}`);
        facts = checked.facts;
      }
      const failure = this.link(facts!, lineNo, s, e);
      if (failure) return failure;
      if (facts!.event === 'session.end') this.ended.add(this.cur!.sessionId);
      s = e + 1;
    }
    if (this.cur) this.ends.set(this.cur.sessionId, { seq: this.cur.seq, head: this.cur.head });
    for (const cp of this.opts.checkpoints ?? []) {
      const end = this.ends.get(cp.session_id);
      if (!end) return this.fail(0, 'truncated', lineNo + 1, `session \`${cp.session_id}\` pinned at seq ${cp.seq} is not in the trace`, cp.session_id);
      if (cp.seq > end.seq) {
        return this.fail(end.seq + 1, 'truncated', lineNo + 1, `session \`${cp.session_id}\` ends at seq ${end.seq} but a checkpoint pins seq ${cp.seq}: events were cut from the end`, cp.session_id);
      }
    }
    const last = this.cur!;
    return {
      ok: true, sessions: this.sessionIds.length, sessionIds: [...this.sessionIds], events: this.events, head: last.head, lastSeq: last.seq,
      unended: this.sessionIds.filter((id) => !this.ended.has(id)),
    };
  }

  /** Chains an intact line onto the current session, or says why it does not fit. */
  private link(f: LineFacts, lineNo: number, s: number, e: number): VerifyFailure | undefined {
    const cur = this.cur;
    const expected = cur ? cur.seq + 1 : 0;
    const hash = this.buf.toString('latin1', e - 66, e - 2);
    if (f.event === 'session.start') {
      const sid = f.sessionId!;
      if (f.seq === 0 && f.prev === GENESIS_PREV && !this.sessionIds.includes(sid)) {
        if (cur) this.ends.set(cur.sessionId, { seq: cur.seq, head: cur.head });
        this.sessionIds.push(sid);
        this.cur = { sessionId: sid, seq: -1, head: GENESIS_PREV, sidNeedle: Buffer.from(`"session_id":${JSON.stringify(sid)}`, 'utf8') };
        return this.accept(0, hash, lineNo);
      }
      if (!cur) return this.fail(0, 'header', lineNo, `line ${lineNo}: session.start must have seq 0 and the genesis prev`);
    } else if (!cur) {
      return this.fail(0, 'header', lineNo, `line ${lineNo} is ${f.event}: a trace must begin with session.start`);
    } else if (find(this.buf, cur.sidNeedle, s, e) < 0) {
      return this.fail(expected, 'inserted', lineNo, `line ${lineNo} belongs to another session than \`${cur.sessionId}\``);
    }
    if (f.seq === expected && f.prev === cur!.head) return this.accept(f.seq, hash, lineNo);
    return this.classifyBreak(f.seq, expected, lineNo, e + 1);
  }

  private accept(seq: number, hash: string, lineNo: number): VerifyFailure | undefined {
    const cur = this.cur!;
    cur.seq = seq;
    cur.head = hash;
    this.events++;
    const pinnedHead = this.pinned.get(cur.sessionId)?.get(seq);
    if (pinnedHead !== undefined && pinnedHead !== hash) {
      return this.fail(seq, 'modified', lineNo, `line ${lineNo}: a checkpoint pins seq ${seq} at head ${pinnedHead.slice(0, 12)}… but the trace has ${hash.slice(0, 12)}…: the chain was rewritten`);
    }
    return undefined;
  }

  private classifyBreak(seq: number, expected: number, lineNo: number, restStart: number): VerifyFailure {
    if (seq === expected) {
      return this.fail(expected, 'modified', lineNo, `line ${lineNo}: seq ${seq} does not link to the hash of seq ${expected - 1}: one of them was rewritten`);
    }
    if (seq < expected) return this.fail(expected, 'inserted', lineNo, `line ${lineNo} repeats seq ${seq}: an event was inserted or replayed`);
    const rest = this.laterSeqs(restStart);
    if (!rest.seqs.has(expected)) {
      return this.fail(expected, 'deleted', lineNo, `line ${lineNo} has seq ${seq} where seq ${expected} belongs: ${seq - expected} event(s) were deleted`);
    }
    if (rest.seqs.has(seq) || seq > rest.max + 1) {
      return this.fail(expected, 'inserted', lineNo, `line ${lineNo} has seq ${seq} where seq ${expected} belongs, and seq ${expected} follows: an event was inserted`);
    }
    return this.fail(expected, 'reordered', lineNo, `line ${lineNo} has seq ${seq} where seq ${expected} belongs, and seq ${expected} follows later: events were reordered`);
  }

  /** Seqs of the intact lines after `from`, up to the next session.start. Only runs on failure. */
  private laterSeqs(from: number): { seqs: Set<number>; max: number } {
    const seqs = new Set<number>();
    let max = -1;
    for (let s = from; s < this.buf.length; ) {
      const e = this.buf.indexOf(NL, s);
      if (e < 0) break;
      if (intact(this.buf, s, e)) {
        const f = extract(this.buf, s, e);
        if (f?.event === 'session.start') break;
        if (f) {
          seqs.add(f.seq);
          max = Math.max(max, f.seq);
        }
      }
      s = e + 1;
    }
    return { seqs, max };
  }

  private fail(firstBadSeq: number, kind: TraceDamage, line: number, message: string, sessionId?: string): VerifyFailure {
    return { ok: false, firstBadSeq, kind, line, message, sessionId: sessionId ?? this.cur?.sessionId ?? null };
  }
}

export type { TraceCheckpoint };
