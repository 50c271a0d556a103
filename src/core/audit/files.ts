/** Finding trace files and the ledger's checkpoints.log on disk. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { TraceCheckpoint } from '../trace/canonical';
import { AuditError } from './errors';
import { describeError } from '../common/errors';

export const TRACE_SUFFIX = '.trace.jsonl';
export const CHECKPOINTS_LOG = 'checkpoints.log';

/** A line of checkpoints.log. Loose on purpose: a sink may add fields (time, digest) we do not need. */
const CheckpointLineSchema = z.object({
  session_id: z.string().min(1),
  seq: z.number().int().nonnegative(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface CheckpointProblem {
  file: string;
  line: number;
  message: string;
}

export interface CheckpointLog {
  file: string;
  checkpoints: TraceCheckpoint[];
  problems: CheckpointProblem[];
}

async function statOrThrow(p: string): Promise<import('node:fs').Stats> {
  try {
    return await fsp.stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AuditError('not-found', `\`${p}\` does not exist`);
    throw new AuditError('unreadable', `cannot read \`${p}\` (${code ?? describeError(err)})`);
  }
}

/** Every `*.trace.jsonl` and `checkpoints.log` under `dir`, recursively, in a stable (sorted) order. */
export async function scanDirectory(dir: string): Promise<{ traces: string[]; checkpointLogs: string[] }> {
  await statOrThrow(dir);
  const traces: string[] = [];
  const checkpointLogs: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fsp.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && e.name.endsWith(TRACE_SUFFIX)) traces.push(full);
      else if (e.isFile() && e.name === CHECKPOINTS_LOG) checkpointLogs.push(full);
    }
  };
  await walk(dir);
  return { traces, checkpointLogs };
}

/** A single file or a directory: what `verify`, `export`, `report` and `trace query` all accept. */
export async function resolveTraceInputs(target: string): Promise<{ root: string; traces: string[]; checkpointLogs: string[] }> {
  const st = await statOrThrow(target);
  if (st.isDirectory()) return { root: target, ...(await scanDirectory(target)) };
  // A single file still honours the checkpoints.log next to it: that is where the ledger sink puts it.
  const sibling = path.join(path.dirname(target), CHECKPOINTS_LOG);
  const hasSibling = await fsp.stat(sibling).then((s) => s.isFile(), () => false);
  return { root: path.dirname(target), traces: [target], checkpointLogs: hasSibling ? [sibling] : [] };
}

export async function readCheckpointLog(file: string): Promise<CheckpointLog> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new AuditError('unreadable', `cannot read \`${file}\` (${(err as NodeJS.ErrnoException).code ?? describeError(err)})`);
  }
  const checkpoints: TraceCheckpoint[] = [];
  const problems: CheckpointProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ file, line: i + 1, message: 'is not JSON' });
      return;
    }
    const parsed = CheckpointLineSchema.safeParse(value);
    if (!parsed.success) {
      problems.push({ file, line: i + 1, message: 'is not a checkpoint {session_id, seq, head}' });
      return;
    }
    checkpoints.push({ session_id: parsed.data.session_id, seq: parsed.data.seq, head: parsed.data.head });
  });
  return { file, checkpoints, problems };
}

/** Session ids named anywhere in a trace file, even a damaged one (to route checkpoints to it). */
export function sessionIdsIn(buf: Buffer): Set<string> {
  const ids = new Set<string>();
  // Inside a JSON string value the quotes would be escaped, so this only matches the envelope key.
  const re = /"session_id":("(?:[^"\\\n]|\\.)*")/g;
  const text = buf.toString('utf8');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    try {
      const id: unknown = JSON.parse(m[1]!);
      if (typeof id === 'string') ids.add(id);
    } catch {
      // a mangled id on a damaged line: the verifier reports that line
    }
  }
  return ids;
}
