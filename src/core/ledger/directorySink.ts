/**
 * The embedded default ledger: an append-only folder (typically a shared drive).
 *
 *   <dir>/<session_id>.trace.jsonl   the exact bytes of the session's trace lines, in seq order —
 *                                    the same format as a local trace, so `agentlane verify`
 *                                    checks a ledger file as it checks a trace
 *   <dir>/checkpoints.log            JSONL of {session_id, seq, head, ts}
 *
 * Idempotency comes from the stored head (read once per session, then cached): lines at or
 * below it must carry the stored hashes (a re-send after a crash) and the first new line must
 * continue it. One sync engine writes a given session's file at a time (the session's own
 * machine); the folder is not a multi-writer database.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { GENESIS_PREV } from '../trace/canonical';
import { LedgerConflictError, LedgerError, ledgerErrorFromFs } from './errors';
import type { LedgerCheckpoint, LedgerHead, LedgerLine, LedgerSink } from './sink';

/** The file operations of the sink; tests inject failures (ENOSPC) through it. */
export interface DirectoryFs {
  mkdir(dir: string): Promise<void>;
  /** The whole file, or undefined when it does not exist. */
  readFile(file: string): Promise<Buffer | undefined>;
  /** Appends with O_APPEND and makes the bytes durable (fsync) before resolving. */
  appendDurable(file: string, data: Buffer): Promise<void>;
  size(file: string): Promise<number>;
  /** Cuts a torn tail (bytes never acknowledged) back to `length`. */
  truncate(file: string, length: number): Promise<void>;
}

export const nodeDirectoryFs: DirectoryFs = {
  mkdir: async (dir) => { await fsp.mkdir(dir, { recursive: true, mode: 0o755 }); },
  readFile: async (file) => {
    try {
      return await fsp.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  appendDurable: async (file, data) => {
    const fh = await fsp.open(file, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT, 0o644);
    try {
      let off = 0;
      while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
      await fh.datasync();
    } finally {
      await fh.close();
    }
  },
  size: async (file) => {
    try {
      return (await fsp.stat(file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
  },
  truncate: (file, length) => fsp.truncate(file, length),
};

/** What a stored line must be for the sink to trust it (a ledger row read back: zod). */
const StoredLineSchema = z.looseObject({
  session_id: z.string().min(1),
  seq: z.number().int().nonnegative(),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

interface StoredHead extends LedgerHead {
  /** Bytes of complete lines in the session file. */
  size: number;
}

export function sessionFileName(sessionId: string): string {
  // Session ids are free text: never let one name a path outside the folder.
  return `${encodeURIComponent(sessionId)}.trace.jsonl`;
}

export class DirectorySink implements LedgerSink {
  readonly name = 'directory' as const;
  private readonly heads = new Map<string, StoredHead | null>();
  private dirReady = false;
  private closed = false;

  constructor(readonly dir: string, readonly id: string, private readonly fs: DirectoryFs = nodeDirectoryFs) {}

  get display(): string {
    return `dir:${this.dir}`;
  }

  async init(): Promise<void> {
    await this.ensureDir();
  }

  async head(sessionId: string): Promise<LedgerHead | undefined> {
    const h = await this.storedHead(sessionId);
    return h ? { seq: h.seq, hash: h.hash } : undefined;
  }

  async append(sessionId: string, lines: readonly LedgerLine[]): Promise<void> {
    this.assertOpen();
    if (lines.length === 0) return;
    await this.ensureDir();
    const head = await this.storedHead(sessionId);
    const headSeq = head ? head.seq : -1;
    const resent = lines.filter((l) => l.seq <= headSeq);
    if (resent.length > 0) await this.checkResent(sessionId, resent);
    const fresh = lines.filter((l) => l.seq > headSeq);
    if (fresh.length === 0) return;
    const first = fresh[0]!;
    if (first.seq !== headSeq + 1) {
      throw new LedgerError('gap', `ledger \`${this.display}\` holds session \`${sessionId}\` up to seq ${headSeq}, but seq ${first.seq} was sent: events ${headSeq + 1}…${first.seq - 1} are missing from the ledger`);
    }
    const headHash = head ? head.hash : GENESIS_PREV;
    if (first.prev !== headHash) throw new LedgerConflictError(sessionId, headSeq, headHash, first.prev, 'the new events do not continue the stored chain');
    const file = this.fileOf(sessionId);
    const data = Buffer.from(fresh.map((l) => `${l.raw}\n`).join(''), 'utf8');
    const before = head ? head.size : 0;
    try {
      await this.fs.appendDurable(file, data);
    } catch (e) {
      // Part of the batch may be on disk; none of it was acknowledged. Cut it back so the file
      // stays a valid chain, and re-read the head next time in case even that failed.
      this.heads.delete(sessionId);
      await this.fs.truncate(file, before).catch(() => undefined);
      throw ledgerErrorFromFs(e, `append to ledger file \`${file}\``);
    }
    const last = fresh[fresh.length - 1]!;
    this.heads.set(sessionId, { seq: last.seq, hash: last.hash, size: before + data.length });
  }

  async checkpoint(cp: LedgerCheckpoint): Promise<void> {
    this.assertOpen();
    await this.ensureDir();
    const line = JSON.stringify({ session_id: cp.session_id, seq: cp.seq, head: cp.head, ts: cp.ts });
    const file = path.join(this.dir, 'checkpoints.log');
    try {
      await this.fs.appendDurable(file, Buffer.from(`${line}\n`, 'utf8'));
    } catch (e) {
      throw ledgerErrorFromFs(e, `append to \`${file}\``);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.heads.clear();
  }

  private fileOf(sessionId: string): string {
    return path.join(this.dir, sessionFileName(sessionId));
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('closed', `ledger \`${this.display}\` is closed`);
  }

  private async ensureDir(): Promise<void> {
    if (this.dirReady) return;
    try {
      await this.fs.mkdir(this.dir);
    } catch (e) {
      throw ledgerErrorFromFs(e, `create ledger directory \`${this.dir}\``);
    }
    this.dirReady = true;
  }

  private async storedHead(sessionId: string): Promise<StoredHead | undefined> {
    const cached = this.heads.get(sessionId);
    if (cached !== undefined) return cached ?? undefined;
    const file = this.fileOf(sessionId);
    let content: Buffer | undefined;
    try {
      content = await this.fs.readFile(file);
    } catch (e) {
      throw ledgerErrorFromFs(e, `read ledger file \`${file}\``);
    }
    let head: StoredHead | undefined;
    if (content && content.length > 0) {
      const complete = content.lastIndexOf(0x0a) + 1;
      if (complete < content.length) {
        // A torn tail left by a crash mid-append: those bytes were never acknowledged.
        try {
          await this.fs.truncate(file, complete);
        } catch (e) {
          throw ledgerErrorFromFs(e, `cut the torn tail of ledger file \`${file}\``);
        }
      }
      if (complete > 0) {
        const lastStart = content.lastIndexOf(0x0a, complete - 2) + 1;
        const last = parseStored(file, content.toString('utf8', lastStart, complete - 1), sessionId);
        head = { seq: last.seq, hash: last.hash, size: complete };
      }
    }
    this.heads.set(sessionId, head ?? null);
    return head;
  }

  /** Re-sent lines (seq ≤ stored head) must be exactly what is stored: the crash-recovery path. */
  private async checkResent(sessionId: string, resent: readonly LedgerLine[]): Promise<void> {
    const file = this.fileOf(sessionId);
    const content = (await this.fs.readFile(file).catch((e: unknown) => { throw ledgerErrorFromFs(e, `read ledger file \`${file}\``); })) ?? Buffer.alloc(0);
    const wanted = new Map(resent.map((l) => [l.seq, l.hash]));
    const from = resent[0]!.seq;
    let seen = 0;
    for (let s = 0; s < content.length && seen < wanted.size; ) {
      let e = content.indexOf(0x0a, s);
      if (e < 0) e = content.length;
      const stored = parseStored(file, content.toString('utf8', s, e), sessionId);
      const sent = wanted.get(stored.seq);
      if (sent !== undefined) {
        seen++;
        if (sent !== stored.hash) throw new LedgerConflictError(sessionId, stored.seq, stored.hash, sent);
      } else if (stored.seq > from + wanted.size) {
        break;
      }
      s = e + 1;
    }
    if (seen < wanted.size) throw new LedgerError('corrupt-ledger', `ledger file \`${file}\` lacks seqs it should hold below its head: it was edited`);
  }
}

function parseStored(file: string, text: string, sessionId: string): z.infer<typeof StoredLineSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LedgerError('corrupt-ledger', `ledger file \`${file}\` has a line that is not JSON: run \`agentlane verify ${file}\``);
  }
  const res = StoredLineSchema.safeParse(parsed);
  if (!res.success || res.data.session_id !== sessionId) {
    throw new LedgerError('corrupt-ledger', `ledger file \`${file}\` has a line that is not an event of session \`${sessionId}\``);
  }
  return res.data;
}
