/**
 * How far each trace in a directory is behind a ledger, without syncing: the local last seq,
 * the cursor (what this machine knows was acknowledged) and, where the sink can say, the
 * ledger's own head. For `agentlane ledger status` and the sidebar.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CursorStore } from './cursor';
import { asLedgerError, errorInfo, type LedgerErrorInfo } from './errors';
import type { LedgerSink } from './sink';
import { isTraceFileName } from './syncWatcher';
import { lastSeqOf, sessionIdOf } from './traceChunk';

export interface SessionLag {
  file: string;
  sessionId: string | undefined;
  localSeq: number;
  /** From the cursor; -1 when nothing was acknowledged. */
  ackedSeq: number;
  /** The ledger's head seq, when the sink has head() and answered. */
  ledgerSeq?: number;
  lag: number;
  error?: LedgerErrorInfo;
}

export async function traceFilesIn(traceDir: string): Promise<string[]> {
  const names = await fsp.readdir(traceDir);
  return names.filter(isTraceFileName).sort().map((n) => path.join(path.resolve(traceDir), n));
}

export async function ledgerLag(traceDir: string, sink: LedgerSink, stateDir: string, opts: { askLedger?: boolean } = {}): Promise<SessionLag[]> {
  const cursors = new CursorStore(stateDir, sink.id);
  const out: SessionLag[] = [];
  for (const file of await traceFilesIn(traceDir)) {
    const row: SessionLag = { file, sessionId: undefined, localSeq: -1, ackedSeq: -1, lag: 0 };
    out.push(row);
    try {
      row.sessionId = await sessionIdOf(file);
      row.localSeq = await lastSeqOf(file);
      if (row.sessionId === undefined) continue;
      const c = await cursors.load(row.sessionId);
      if (c.cursor && c.cursor.file === file) row.ackedSeq = c.cursor.seq;
      if (opts.askLedger !== false && sink.head) {
        const head = await sink.head(row.sessionId);
        row.ledgerSeq = head?.seq ?? -1;
      }
    } catch (e) {
      row.error = errorInfo(asLedgerError(e, `cannot read the state of \`${file}\``));
    }
    // The ledger's own head wins when known: a lost cursor does not mean lost events.
    const acked = Math.max(row.ackedSeq, row.ledgerSeq ?? -1);
    row.lag = Math.max(0, row.localSeq - acked);
  }
  return out;
}
