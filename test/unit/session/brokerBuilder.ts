import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SessionBroker, type BrokerOptions, type TraceSink } from '../../../src/core/session/broker';
import { TraceWriter } from '../../../src/core/trace/writer';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { initShellParser } from '../../../src/core/shell';
import { policy, ROOT, HOME } from '../policy/builders';

export interface TestSession {
  broker: SessionBroker;
  traceFile: string;
  events(): TraceEvent[];
}

export async function session(policyText: string, extra: Partial<BrokerOptions> = {}): Promise<TestSession> {
  await initShellParser();
  const dir = mkdtempSync(path.join(tmpdir(), 'agentlane-broker-'));
  const traceFile = path.join(dir, 's.trace.jsonl');
  const trace: TraceSink = extra.trace ?? await TraceWriter.open(traceFile, { sessionId: 's-1', durability: 'none' });
  const compiled = policy(policyText);
  const broker = new SessionBroker({
    sessionId: 's-1', missionId: null, supervisor: { name: 'Ada Lovelace', email: 'ada@example.com' },
    policy: compiled, policyFiles: [], ctx: { workspaceRoot: ROOT, home: HOME }, trace,
    agent: { name: 'claude-code', version: 'test' }, modelId: 'claude-sonnet-4-5', extensionVersion: '0.0.0-test',
    ...extra,
  });
  await broker.start();
  return {
    broker,
    traceFile,
    events: () => readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceEvent),
  };
}

let n = 0;
export function call(tool: string, input: unknown, agentId?: string) {
  return { toolUseId: `toolu_${++n}`, tool, input, cwd: ROOT, agentId };
}

/** Resolves once the broker has an approval waiting. */
export function nextApproval(broker: SessionBroker): Promise<string> {
  return new Promise((resolve) => {
    const pending = broker.pendingApprovals;
    if (pending.length) return resolve(pending[0].id);
    const d = broker.onDidChangeApprovals((list) => {
      if (list.length) { d.dispose(); resolve(list[0].id); }
    });
  });
}
