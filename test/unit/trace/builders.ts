/**
 * In-memory trace builders for tests: the same line layout the writer produces, without the
 * file system, plus a seeded PRNG so property tests are reproducible from their seed.
 */
import { withTrustLabel } from '../../../src/core/trace/trust';
import { canonicalJson, GENESIS_PREV, hashCanonicalBody, lineFromBody, TRACE_SCHEMA } from '../../../src/core/trace/canonical';
import type { TraceEventInput } from '../../../src/core/trace/schema';

/** mulberry32: tiny, seedable, good enough to pick tamperings. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
export const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

export function startEvent(): TraceEventInput {
  return {
    event: 'session.start', actor: 'system', policy_hash: 'c1'.repeat(32), policy_files: [],
    agent: { name: 'claude-code', version: '2.1.330' }, model_id: 'claude-sonnet-4-5', extension_version: '0.1.0', cwd: '/w', host: 'h',
  };
}

export function randomEvent(rnd: () => number, i: number): TraceEventInput {
  switch (int(rnd, 0, 4)) {
    case 0:
      return {
        event: 'tool.decision', actor: 'agent', tool_use_id: `toolu_${i}`, tool: 'Bash', action: 'shell.exec',
        actions: [{ kind: 'shell.exec', count: 1 }], cmd_hash: 'ab'.repeat(32), cmd_redacted: `npm test -- --grep "case ${i}" é ☃`,
        paths: [`src/f${i}.ts`], hosts: [], decision: pick(rnd, ['allow', 'ask', 'deny'] as const),
        rules: [{ decision: 'allow', rule: 'shell.allow[0]', layer: 'workspace', line: i + 1, message: `rule \`${i}\`` }],
        policy_hash: 'c1'.repeat(32), model_id: null,
      };
    case 1:
      return { event: 'tool.result', actor: 'agent', tool_use_id: `toolu_${i}`, exit_code: int(rnd, 0, 2), ok: rnd() < 0.8 };
    case 2:
      return { event: 'budget.usage', actor: 'system', usage: { input: int(rnd, 0, 1e6), output: int(rnd, 0, 1e5), cache_write: 0, cache_read: 12 }, cost_usd: Math.round(rnd() * 1e4) / 1e3, source: 'statusline' };
    case 3:
      return { event: 'approval.answered', actor: 'supervisor', approval_id: `A-${i}`, answer: pick(rnd, ['allow-once', 'allow-session', 'deny'] as const), by: 'ana@example.com', reason: null };
    default:
      return { event: 'prompt.submitted', actor: 'supervisor', prompt_hash: 'cd'.repeat(32) };
  }
}

/** Lines (without newlines) of a session, encoded exactly as TraceWriter encodes them. */
export function buildSession(sessionId: string, inputs: TraceEventInput[], t0 = Date.parse('2026-06-01T09:00:00Z')): string[] {
  let prev = GENESIS_PREV;
  return inputs.map((input, seq) => {
    const body = canonicalJson({
      mission_id: null, supervisor: null, ...withTrustLabel(input),
      schema: TRACE_SCHEMA, seq, ts: new Date(t0 + seq * 1000).toISOString(), session_id: sessionId, prev,
    });
    prev = hashCanonicalBody(body);
    return lineFromBody(body, prev).slice(0, -1);
  });
}

export function randomSession(rnd: () => number, sessionId: string, n: number): string[] {
  const inputs = [startEvent()];
  for (let i = 1; i < n; i++) inputs.push(randomEvent(rnd, i));
  return buildSession(sessionId, inputs);
}

export const hashOf = (line: string): string => (JSON.parse(line) as { hash: string }).hash;
export const joinLines = (lines: string[]): string => `${lines.join('\n')}\n`;
