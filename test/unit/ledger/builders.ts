/**
 * Fixtures for ledger tests: trace files written in the writer's exact layout (via the trace
 * builders), a sink wrapper whose ledger can be "down", and a clock that never waits.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { SyncClock } from '../../../src/core/ledger/backoff';
import { LedgerError } from '../../../src/core/ledger/errors';
import type { LedgerCheckpoint, LedgerHead, LedgerLine, LedgerSink } from '../../../src/core/ledger/sink';
import type { TraceEventInput } from '../../../src/core/trace/schema';
import { buildSession, prng, randomSession, startEvent } from '../trace/builders';

export { buildSession, prng, randomSession, startEvent };

/** Lines (without newline) of a session of `n` events, deterministic for a seed. */
export function sessionLines(sessionId: string, n: number, seed = 7): string[] {
  return randomSession(prng(seed), sessionId, n);
}

export function writeTrace(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

export function appendTrace(file: string, lines: readonly string[]): void {
  appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

/** Non-empty lines of a file. */
export function fileLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

export const denyFetch = (i: number): TraceEventInput => ({
  event: 'tool.decision', actor: 'agent', tool_use_id: `toolu_${i}`, tool: 'WebFetch', action: 'net.fetch',
  actions: [{ kind: 'net.fetch', count: 1 }], cmd_hash: null, cmd_redacted: null, paths: [], hosts: ['evil.example.com'],
  decision: 'deny', rules: [
    { decision: 'allow', rule: 'net.allow[0]', layer: 'workspace', message: 'docs are fine' },
    { decision: 'deny', rule: 'net.deny[2]', layer: 'managed', file: '/etc/agentlane/policy.yaml', line: 12, message: 'host `evil.example.com` is denied' },
  ],
  policy_hash: 'c1'.repeat(32), model_id: null,
});

/** A clock whose sleeps return at once; records what was asked. */
export function instantClock(): SyncClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  let now = Date.parse('2026-06-01T10:00:00Z');
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Wraps a sink; while `down` every call fails as an unreachable ledger would. */
export class SwitchableSink implements LedgerSink {
  down = false;
  appends = 0;
  /** Called before every append that gets through (tests flip `down` from here). */
  beforeAppend?: (lines: readonly LedgerLine[]) => void;

  constructor(private readonly inner: LedgerSink) {}

  get name() { return this.inner.name; }
  get id() { return this.inner.id; }
  get display() { return this.inner.display; }

  private gate(): void {
    if (this.down) throw new LedgerError('unreachable', `ledger \`${this.display}\` is down (test)`);
  }

  async head(sessionId: string): Promise<LedgerHead | undefined> {
    this.gate();
    return this.inner.head ? this.inner.head(sessionId) : undefined;
  }

  async append(sessionId: string, lines: readonly LedgerLine[]): Promise<void> {
    this.gate();
    this.beforeAppend?.(lines);
    this.gate();
    this.appends++;
    await this.inner.append(sessionId, lines);
  }

  async checkpoint(cp: LedgerCheckpoint): Promise<void> {
    this.gate();
    await this.inner.checkpoint?.(cp);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
