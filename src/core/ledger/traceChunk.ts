/**
 * Incremental, chain-checked reading of a local trace file for the sync engine.
 *
 * The fast verifier (trace/verify.ts) checks a whole file from its session.start; the sync
 * engine instead resumes from a cursor (byte offset, seq, head) and must check only the new
 * lines against the head it already shipped — re-reading a million-event trace on every poll
 * would make catch-up quadratic. The checks per line are the verifier's: the fixed hash tail,
 * SHA-256 over the bytes as written, seq = previous + 1, prev = previous hash, same session,
 * session.start with the genesis prev at seq 0; schema on every session.start and one line in
 * 64 (the writer validated every event before it hashed it, see verifyTypes.ts).
 */
import { isUtf8 } from 'node:buffer';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { GENESIS_PREV, HASH_SUFFIX_LENGTH, HASH_SUFFIX_PREFIX, TRACE_DOMAIN } from '../trace/canonical';
import { TraceEventSchema, type TraceEvent } from '../trace/schema';
import { BrokenTraceError, LedgerError } from './errors';
import type { LedgerLine } from './sink';
import { describeError } from '../common/errors';

/** Where the engine stands in a trace file: after the line `seq` whose hash is `head`. */
export interface ChainPosition {
  /** Undefined until the session.start line was read. */
  sessionId: string | undefined;
  /** -1 before the first line. */
  seq: number;
  head: string;
  /** Byte offset just past the newline of line `seq`. */
  offset: number;
}

export const START_POSITION: ChainPosition = { sessionId: undefined, seq: -1, head: GENESIS_PREV, offset: 0 };

export interface Chunk {
  /** Intact lines continuing the chain, in order. */
  lines: LedgerLine[];
  /** Position after the last line of `lines`. */
  end: ChainPosition;
  /** Set when a line fails: `lines` holds everything before it, and nothing after it may ship. */
  broken?: BrokenTraceError;
  /** True when the chunk reached the last complete line of the file. */
  atEnd: boolean;
}

export interface ChunkLimits {
  maxLines: number;
  maxBytes: number;
}

const NL = 0x0a;
const DOMAIN = Buffer.from(TRACE_DOMAIN, 'utf8');
const TAIL_START = Buffer.from(HASH_SUFFIX_PREFIX, 'latin1');
const SCHEMA_SAMPLE_EVERY = 64;

const sha256Hex: (data: Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Reads up to `limits` complete lines after `pos` and checks them against the chain. */
export async function readChunk(file: string, pos: ChainPosition, limits: ChunkLimits): Promise<Chunk> {
  const buf = await readFrom(file, pos, limits.maxBytes);
  return checkLines(file, buf, pos, limits.maxLines);
}

/** Opens a local trace for reading; the error says which file and why. */
async function openTrace(file: string): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(file, 'r');
  } catch (e) {
    throw new LedgerError('local-io', `cannot open trace \`${file}\`: ${describeError(e)}`, { cause: e });
  }
}

async function readFrom(file: string, pos: ChainPosition, maxBytes: number): Promise<Buffer> {
  const fh = await openTrace(file);
  try {
    const size = (await fh.stat()).size;
    if (size < pos.offset) {
      throw new BrokenTraceError(file, pos.seq, `the file is ${size} bytes but ${pos.offset} were already shipped: it was truncated or replaced`);
    }
    if (pos.offset > 0) await checkAnchor(fh, file, pos);
    let want = Math.min(maxBytes, size - pos.offset);
    for (;;) {
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos.offset);
      const got = buf.subarray(0, bytesRead);
      // A single line longer than maxBytes still has to go through: read on until its newline.
      if (got.lastIndexOf(NL) >= 0 || pos.offset + bytesRead >= size) return got;
      want = Math.min(want * 2, size - pos.offset);
    }
  } catch (e) {
    if (LedgerError.is(e)) throw e;
    throw new LedgerError('local-io', `cannot read trace \`${file}\`: ${describeError(e)}`, { cause: e });
  } finally {
    await fh.close();
  }
}

/** The line before the cursor must still end with the head we shipped: catches a rewritten file. */
async function checkAnchor(fh: fsp.FileHandle, file: string, pos: ChainPosition): Promise<void> {
  const tail = Buffer.alloc(67);
  const { bytesRead } = await fh.read(tail, 0, 67, pos.offset - 67);
  const hash = tail.toString('latin1', 0, 64);
  if (bytesRead !== 67 || tail[66] !== NL || hash !== pos.head) {
    throw new BrokenTraceError(file, pos.seq, `the line at seq ${pos.seq} no longer ends with the hash that was shipped: the file was rewritten`);
  }
}

function checkLines(file: string, buf: Buffer, start: ChainPosition, maxLines: number): Chunk {
  const lines: LedgerLine[] = [];
  const pos = { ...start };
  const broken = (why: string): Chunk => ({ lines, end: pos, broken: new BrokenTraceError(file, pos.seq + 1, why), atEnd: false });
  let s = 0;
  while (s < buf.length && lines.length < maxLines) {
    const e = buf.indexOf(NL, s);
    if (e < 0) break; // an incomplete last line: the writer is mid-write, or it was torn
    const expected = pos.seq + 1;
    const checked = checkLine(buf, s, e, pos, expected);
    if (typeof checked === 'string') return broken(checked);
    lines.push(checked);
    pos.sessionId = checked.event.session_id;
    pos.seq = checked.seq;
    pos.head = checked.hash;
    pos.offset = start.offset + e + 1;
    s = e + 1;
  }
  const atEnd = buf.indexOf(NL, s) < 0;
  return { lines, end: pos, atEnd };
}

/** The checked line, or why it does not continue the chain. */
function checkLine(buf: Buffer, s: number, e: number, pos: ChainPosition, expected: number): LedgerLine | string {
  const line = buf.subarray(s, e);
  const claimed = claimedHash(line);
  if (claimed === undefined) return 'the line does not end with its hash';
  if (bytesHash(line) !== claimed) return 'the line does not match its hash: it was changed after it was written';
  if (!isUtf8(line)) return 'the line is not valid UTF-8';
  const raw = line.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'the line is not JSON';
  }
  const event = parsed as TraceEvent;
  if (event === null || typeof event !== 'object' || typeof event.seq !== 'number' || typeof event.prev !== 'string' || typeof event.session_id !== 'string') {
    return 'the line is not a trace event';
  }
  if (event.hash !== claimed) return 'the hash field does not match the line tail';
  if (event.seq !== expected) return `seq ${event.seq} where seq ${expected} belongs`;
  if (event.prev !== pos.head) return `prev does not link to the hash of seq ${expected - 1}`;
  if (expected === 0) {
    if (event.event !== 'session.start') return `the first event is ${String(event.event)}, not session.start`;
  } else if (event.session_id !== pos.sessionId) {
    return `the line belongs to session \`${event.session_id}\`, not \`${pos.sessionId ?? ''}\``;
  }
  if (event.event === 'session.start' && expected !== 0) return 'a second session.start inside the session';
  if (event.event === 'session.start' || expected % SCHEMA_SAMPLE_EVERY === 0) {
    const res = TraceEventSchema.safeParse(parsed);
    if (!res.success) return `not a valid trace event at \`${res.error.issues[0]?.path.join('.') ?? ''}\``;
  }
  return { seq: event.seq, hash: claimed, prev: event.prev, raw, event };
}

function claimedHash(line: Buffer): string | undefined {
  const n = line.length;
  if (n < HASH_SUFFIX_LENGTH + 2 || line[0] !== 0x7b || line[n - 1] !== 0x7d || line[n - 2] !== 0x22) return undefined;
  const t = n - HASH_SUFFIX_LENGTH;
  if (TAIL_START.compare(line, t, t + TAIL_START.length) !== 0) return undefined;
  const hash = line.toString('latin1', t + TAIL_START.length, n - 2);
  return /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

/** SHA-256 over the trace domain and the body (the tail dropped, "}" put back): canonical.ts. */
function bytesHash(line: Buffer): string {
  const bodyLen = line.length - HASH_SUFFIX_LENGTH;
  const data = Buffer.allocUnsafe(DOMAIN.length + bodyLen + 1);
  DOMAIN.copy(data, 0);
  line.copy(data, DOMAIN.length, 0, bodyLen);
  data[data.length - 1] = 0x7d;
  return sha256Hex(data);
}

/** Seq of the last complete line of a trace file (-1 when there is none); for lag displays. */
export async function lastSeqOf(file: string): Promise<number> {
  const fh = await openTrace(file);
  try {
    const size = (await fh.stat()).size;
    for (let window = 64 * 1024; ; window *= 4) {
      const from = Math.max(0, size - window);
      const buf = Buffer.alloc(size - from);
      await fh.read(buf, 0, buf.length, from);
      const end = buf.lastIndexOf(NL);
      const start = end < 0 ? -1 : buf.lastIndexOf(NL, end - 1);
      if (end >= 0 && (start >= 0 || from === 0)) {
        try {
          const seq = (JSON.parse(buf.toString('utf8', start + 1, end)) as { seq?: unknown }).seq;
          return typeof seq === 'number' ? seq : -1;
        } catch {
          return -1;
        }
      }
      if (from === 0) return -1;
    }
  } finally {
    await fh.close();
  }
}

/** The session id of a trace file, from its first line; undefined while it has none. */
export async function sessionIdOf(file: string): Promise<string | undefined> {
  const chunk = await readChunk(file, START_POSITION, { maxLines: 1, maxBytes: 64 * 1024 });
  if (chunk.broken) throw chunk.broken;
  return chunk.lines[0]?.event.session_id;
}
