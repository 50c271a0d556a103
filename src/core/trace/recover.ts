/**
 * What the writer needs from an existing trace file when it reopens it: where the chain stands,
 * and what to do with a torn last line (a crash between `write` and its completion).
 *
 * Nothing is dropped silently: torn bytes are copied to `<file>.torn-<offset>` and synced before
 * the file is cut back to its last complete line; the writer then records a `trace.torn` event.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hashEvent } from './canonical';
import { TraceWriteError } from './errors';
import { TraceEventSchema, type TraceEvent } from './schema';

export interface TornTail {
  /** Byte offset of the torn line = the file's length after recovery. */
  offset: number;
  bytes: number;
  sidecar: string;
}

export interface RecoveredState {
  last: TraceEvent | undefined;
  torn: TornTail | undefined;
  created: boolean;
}

export async function recoverTrace(file: string, sessionId: string, durable: boolean): Promise<RecoveredState> {
  let content: Buffer;
  try {
    content = await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { last: undefined, torn: undefined, created: true };
    throw TraceWriteError.fromFs(e, file, 'read');
  }
  let end = content.length;
  let torn: TornTail | undefined;
  if (end > 0 && content[end - 1] !== 0x0a) {
    const offset = content.lastIndexOf(0x0a) + 1;
    torn = await moveTornAside(file, content.subarray(offset), offset, durable);
    end = offset;
  }
  const good = content.subarray(0, end);
  const lastStart = good.lastIndexOf(0x0a, good.length - 2) + 1;
  const last = good.length === 0 ? undefined : parseLastLine(file, good.subarray(lastStart, good.length - 1).toString('utf8'));
  if (last && last.session_id !== sessionId) {
    throw new TraceWriteError('session-mismatch', `trace \`${file}\` belongs to session \`${last.session_id}\`, not \`${sessionId}\``, file);
  }
  return { last, torn, created: false };
}

function parseLastLine(file: string, line: string): TraceEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new TraceWriteError('corrupt', `last line of trace \`${file}\` is not JSON: run \`agentlane verify\``, file);
  }
  const res = TraceEventSchema.safeParse(parsed);
  if (!res.success) {
    throw new TraceWriteError('corrupt', `last line of trace \`${file}\` is not a trace event: ${res.error.issues[0]?.message ?? 'invalid'}`, file);
  }
  const { hash, ...body } = res.data;
  if (hashEvent(body) !== hash) {
    throw new TraceWriteError('corrupt', `last event of trace \`${file}\` does not match its hash: run \`agentlane verify\``, file);
  }
  return res.data;
}

async function moveTornAside(file: string, bytes: Buffer, offset: number, durable: boolean): Promise<TornTail> {
  const base = `${file}.torn-${offset}`;
  let sidecar = base;
  // A second crash at the same offset must not overwrite the first sidecar.
  for (let n = 1; ; n++) {
    try {
      const fh = await fsp.open(sidecar, 'wx', 0o600);
      try {
        await fh.writeFile(bytes);
        if (durable) await fh.sync();
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw TraceWriteError.fromFs(e, sidecar, 'save torn tail of');
      sidecar = `${base}.${n}`;
    }
  }
  try {
    await fsp.truncate(file, offset);
  } catch (e) {
    throw TraceWriteError.fromFs(e, file, 'cut torn tail of');
  }
  return { offset, bytes: bytes.length, sidecar: path.basename(sidecar) };
}
