/**
 * Per (sink, session) resume cursors: `<stateDir>/cursors/<sink-id>/<session>.json`.
 *
 * A cursor only ever moves after the sink acknowledged the lines before it, so a lost or stale
 * cursor is always *behind* the ledger: the engine re-sends and the sink's idempotency makes
 * that a no-op. That is why a cursor that cannot be parsed is treated as absent (with a note in
 * the status) instead of failing the sync, and why the directory entry is not fsynced: after
 * a crash the old cursor is as good as the new one. The file itself is written to a temporary
 * name, fsynced and renamed, so a reader never sees half a cursor.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { LedgerError } from './errors';
import type { ChainPosition } from './traceChunk';
import { describeError } from '../common/errors';

export const CursorSchema = z.strictObject({
  version: z.literal(1),
  session_id: z.string().min(1),
  /** Absolute path of the local trace file the offset refers to. */
  file: z.string(),
  offset: z.number().int().nonnegative(),
  seq: z.number().int().min(-1),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  updated_at: z.string(),
});
export type Cursor = z.infer<typeof CursorSchema>;

export type CursorLoad = { cursor: Cursor } | { cursor: undefined; note?: string };

export class CursorStore {
  private readonly dir: string;
  private tmpCounter = 0;

  constructor(stateDir: string, sinkId: string) {
    this.dir = path.join(stateDir, 'cursors', sinkId);
  }

  pathOf(sessionId: string): string {
    return path.join(this.dir, `${encodeURIComponent(sessionId)}.json`);
  }

  async load(sessionId: string): Promise<CursorLoad> {
    const file = this.pathOf(sessionId);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { cursor: undefined };
      throw new LedgerError('local-io', `cannot read cursor \`${file}\`: ${describeError(e)}`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { cursor: undefined, note: `cursor \`${file}\` is not JSON: starting over from the ledger's head` };
    }
    const res = CursorSchema.safeParse(parsed);
    if (!res.success || res.data.session_id !== sessionId) {
      return { cursor: undefined, note: `cursor \`${file}\` is not a cursor of session \`${sessionId}\`: starting over from the ledger's head` };
    }
    return { cursor: res.data };
  }

  async save(sessionId: string, traceFile: string, pos: ChainPosition, now: Date): Promise<Cursor> {
    const cursor: Cursor = {
      version: 1, session_id: sessionId, file: path.resolve(traceFile), offset: pos.offset, seq: pos.seq, head: pos.head, updated_at: now.toISOString(),
    };
    const file = this.pathOf(sessionId);
    const tmp = `${file}.tmp-${process.pid}-${this.tmpCounter++}`;
    try {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const fh = await fsp.open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(cursor)}\n`, 'utf8');
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, file);
    } catch (e) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw new LedgerError('local-io', `cannot write cursor \`${file}\`: ${describeError(e)}`, { cause: e });
    }
    return cursor;
  }

  /** Every cursor of this sink (for `ledger status`); unreadable ones are skipped. */
  async list(): Promise<Cursor[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const out: Cursor[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const loaded = await this.load(decodeURIComponent(name.slice(0, -'.json'.length)));
      if (loaded.cursor) out.push(loaded.cursor);
    }
    return out;
  }
}
