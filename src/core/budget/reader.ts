/**
 * Incremental, allocation-light reader of one Claude Code transcript file.
 *
 * Most transcript bytes sit in `user` lines carrying bulky tool results, which hold nothing
 * billable. So we never decode a line unless its raw bytes contain `"type":"assistant"` and
 * `"usage"`; everything else is skipped by Buffer searches (memchr-speed). Claude Code writes
 * compact JSON, and a quote inside a JSON string is escaped (`\"`), so the needle cannot appear
 * inside a tool result's text. A line that passes the byte filter but is not a top-level
 * assistant line (e.g. a progress line embedding a subagent message) is parsed and ignored.
 *
 * Only this module touches the file system.
 */
import * as fs from 'node:fs';
import { AgentLaneError, describeError } from '../common/errors';
import { decodeWithoutContent } from './skeleton';
import { parseTranscriptLine, type LineResult } from './transcript';
import { UsageAccumulator, type UsageTotals } from './usage';

const NEWLINE = 0x0a;
const ASSISTANT = Buffer.from('"type":"assistant"');
const USAGE = Buffer.from('"usage"');
/** Bytes at the start of the file remembered to notice a file rewritten in place (1 KB reaches past
 * the fields every first line shares, into the session id and first uuid). */
const FINGERPRINT_BYTES = 1024;
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
/** Tries to find a whole line glued behind a torn one (writer crashed mid-line, then appended). */
const MAX_RECOVERY_TRIES = 64;

/**
 * One read buffer for every meter in the process. `read()` is synchronous and never
 * re-entered, so sharing is safe, and a scan of many files allocates no per-file chunk
 * (without this, each 8 MB chunk lingers until GC and RSS grows with the number of files).
 */
let sharedBuffer: Buffer | undefined;

function readBuffer(size: number): Buffer {
  if (!sharedBuffer || sharedBuffer.length < size) sharedBuffer = Buffer.allocUnsafe(size);
  return sharedBuffer;
}

export interface ReadResult {
  /** Bytes read from the file by this call (the appended bytes, or the whole file after a restart). */
  bytesRead: number;
  /** API responses seen for the first time. */
  responsesAdded: number;
  /** Lines that passed the byte filter and were decoded. */
  linesDecoded: number;
  /** Corrupt candidate lines found by this call. */
  badLines: number;
  /** The file was rotated, truncated or rewritten: read again from byte 0 (ids already counted stay counted). */
  restarted: boolean;
}

export interface TranscriptMeterOptions {
  /** Share one accumulator between the meters of a session (main transcript + subagent files). */
  accumulator?: UsageAccumulator;
  /** Read size; lines longer than this grow the buffer for that read. */
  chunkBytes?: number;
}

/** The transcript exists but cannot be read; the budget is then unknown (fail closed). */
export class TranscriptReadError extends AgentLaneError<'transcript-unreadable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transcript-unreadable', message, options);
  }
}

export class TranscriptMeter {
  readonly accumulator: UsageAccumulator;
  private readonly chunkBytes: number;
  private position = 0;
  private inode: number | undefined;
  private fingerprint: Buffer = Buffer.alloc(0);
  /** The bytes after the last newline: an unfinished line, parsed once its newline arrives. */
  private pending: Buffer = Buffer.alloc(0);
  private bad = 0;
  private lastBad: string | undefined;
  private restartCount = 0;

  constructor(readonly path: string, options: TranscriptMeterOptions = {}) {
    this.accumulator = options.accumulator ?? new UsageAccumulator();
    this.chunkBytes = Math.max(512, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  }

  /** Bytes of the file consumed so far (including an unfinished last line held in memory). */
  get offset(): number {
    return this.position;
  }
  get pendingBytes(): number {
    return this.pending.length;
  }
  get badLines(): number {
    return this.bad;
  }
  get lastBadReason(): string | undefined {
    return this.lastBad;
  }
  get restarts(): number {
    return this.restartCount;
  }

  totals(): UsageTotals {
    return this.accumulator.totals();
  }

  /** Read what was appended since the last call. A missing file reads as empty (not yet written). */
  read(): ReadResult {
    const result: ReadResult = { bytesRead: 0, responsesAdded: 0, linesDecoded: 0, badLines: 0, restarted: false };
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
      throw new TranscriptReadError(`cannot open transcript \`${this.path}\`: ${describeError(error)}`, { cause: error });
    }
    try {
      const stat = fs.fstatSync(fd);
      if (this.rotated(fd, stat)) {
        this.position = 0;
        this.pending = Buffer.alloc(0);
        this.fingerprint = Buffer.alloc(0);
        this.restartCount++;
        result.restarted = true;
      }
      this.inode = stat.ino;
      this.readAppended(fd, stat.size, result);
      if (this.fingerprint.length < FINGERPRINT_BYTES && this.position > this.fingerprint.length) {
        this.fingerprint = readAt(fd, 0, Math.min(FINGERPRINT_BYTES, this.position));
      }
    } catch (error) {
      if (TranscriptReadError.is(error)) throw error;
      throw new TranscriptReadError(`cannot read transcript \`${this.path}\`: ${describeError(error)}`, { cause: error });
    } finally {
      fs.closeSync(fd);
    }
    return result;
  }

  /** A new file under the same name, a shorter file, or different first bytes: start over. */
  private rotated(fd: number, stat: fs.Stats): boolean {
    if (this.inode === undefined) return false;
    if (stat.ino !== this.inode || stat.size < this.position) return true;
    if (this.fingerprint.length === 0) return false;
    return !readAt(fd, 0, this.fingerprint.length).equals(this.fingerprint);
  }

  private readAppended(fd: number, size: number, result: ReadResult): void {
    let remaining = size - this.position;
    if (remaining <= 0) return;
    let buffer = readBuffer(this.pending.length + Math.min(this.chunkBytes, remaining));
    let filled = this.pending.copy(buffer, 0);
    while (remaining > 0) {
      if (filled === buffer.length) {
        // One line is longer than the buffer: grow for this read only.
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, buffer.length + remaining));
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, filled, Math.min(buffer.length - filled, remaining, this.chunkBytes), this.position);
      if (n === 0) break;
      this.position += n;
      remaining -= n;
      result.bytesRead += n;
      filled += n;
      const consumed = this.scan(buffer.subarray(0, filled), result);
      if (consumed > 0) {
        buffer.copy(buffer, 0, consumed, filled);
        filled -= consumed;
      }
    }
    this.pending = Buffer.from(buffer.subarray(0, filled));
  }

  /** Handle every complete line in `view`; return how many bytes were complete lines. */
  private scan(view: Buffer, result: ReadResult): number {
    const lastNewline = view.lastIndexOf(NEWLINE);
    if (lastNewline < 0) return 0;
    const complete = view.subarray(0, lastNewline + 1);
    let cursor = 0;
    for (;;) {
      const hit = complete.indexOf(ASSISTANT, cursor);
      if (hit < 0) break;
      const start = hit === 0 ? 0 : complete.lastIndexOf(NEWLINE, hit - 1) + 1;
      const end = complete.indexOf(NEWLINE, hit);
      const line = complete.subarray(start, end);
      if (line.indexOf(USAGE) >= 0) this.handle(line, result);
      cursor = end + 1;
    }
    return lastNewline + 1;
  }

  private handle(line: Buffer, result: ReadResult): void {
    result.linesDecoded++;
    // Fast path: decode the line without its bulky content. Anything odd → decode it all,
    // so the verdict on a strange line always comes from the exact, full parse.
    const skeleton = decodeWithoutContent(line);
    let parsed = skeleton === undefined ? undefined : parseTranscriptLine(skeleton);
    if (parsed === undefined || parsed.kind === 'bad') {
      const text = line.toString('utf8');
      parsed = parseTranscriptLine(text);
      if (parsed.kind === 'bad') {
        this.markBad(parsed.reason, result);
        parsed = recoverGluedLine(text);
      }
    }
    if (parsed.kind === 'usage' && this.accumulator.add(parsed.record)) result.responsesAdded++;
  }

  private markBad(reason: string, result: ReadResult): void {
    this.bad++;
    result.badLines++;
    this.lastBad = reason;
  }
}

/**
 * A writer that died mid-line leaves a torn line; the next write then starts right after it,
 * so the two share one physical line. Find the later, whole JSON object so its usage is not
 * lost: try each `{"` from the left (the torn prefix holds only a few nested objects, so the
 * real start comes early). Rare path: bounded tries, each a failed parse at worst.
 */
function recoverGluedLine(text: string): LineResult {
  let from = 1;
  for (let tries = 0; tries < MAX_RECOVERY_TRIES; tries++) {
    const at = text.indexOf('{"', from);
    if (at < 0) break;
    from = at + 1;
    const parsed = parseTranscriptLine(text.slice(at));
    if (parsed.kind !== 'bad') return parsed;
  }
  return { kind: 'ignored' };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const n = fs.readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, n);
}


/** Scan whole files once into one accumulator (`agentlane usage`, reports, benchmarks). */
export function scanTranscripts(paths: readonly string[], accumulator = new UsageAccumulator()): { totals: UsageTotals; bytesRead: number; badLines: number } {
  let bytesRead = 0;
  let badLines = 0;
  for (const p of paths) {
    const meter = new TranscriptMeter(p, { accumulator });
    const r = meter.read();
    bytesRead += r.bytesRead;
    badLines += r.badLines;
  }
  return { totals: accumulator.totals(), bytesRead, badLines };
}
