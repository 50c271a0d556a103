/**
 * The heads a ledger stores for some sessions, as checkpoints: what `agentlane verify FILE
 * --ledger URL` holds local trace files to. A local trace that ends before the ledger's head was
 * cut short (or its tail deleted); one that differs at a stored seq was rewritten. The ledger is
 * the organisation's copy, outside the agent's reach; its own integrity is `verify --ledger URL`.
 */
import { z } from 'zod';
import type { LedgerReader } from '../ledger/ledgerReader';
import type { TraceCheckpoint } from '../trace/canonical';
import { AuditError } from './errors';

const HeadLine = z.object({ session_id: z.string().min(1), seq: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/) });

/** The last stored event of each session as a checkpoint; sessions the ledger does not hold are left out. */
export async function ledgerHeads(reader: LedgerReader, sessionIds: Iterable<string>): Promise<TraceCheckpoint[]> {
  const out: TraceCheckpoint[] = [];
  for (const sessionId of new Set(sessionIds)) {
    const bytes = await reader.traceBytes(sessionId);
    if (bytes.length === 0) continue;
    const lines = bytes.toString('utf8').split('\n').filter((l) => l !== '');
    const last = lines.at(-1)!;
    let parsed: z.infer<typeof HeadLine>;
    try {
      parsed = HeadLine.parse(JSON.parse(last));
    } catch {
      throw new AuditError('unreadable', `the last event the ledger ${reader.display} stores for session \`${sessionId}\` is not a trace line: run \`agentlane verify --ledger\` on it`);
    }
    if (parsed.session_id !== sessionId) {
      throw new AuditError('unreadable', `the ledger ${reader.display} returned an event of session \`${parsed.session_id}\` for \`${sessionId}\``);
    }
    out.push({ session_id: sessionId, seq: parsed.seq, head: parsed.hash });
  }
  return out;
}
