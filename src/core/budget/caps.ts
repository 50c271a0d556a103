/**
 * Pure cap evaluation. Every status names the cap's source (invariant 4), and an exceeded cap
 * produces the one-line reason that reaches the agent, the UI and the trace.
 */
import type { LayerName } from '../policy/types';

export type CapKind = 'usd' | 'tokens' | 'minutes' | 'toolCalls';

/** Where a cap was declared: the policy or mission file, key path and line. */
export interface CapSource {
  layer: LayerName;
  file: string;
  line?: number;
  key: string;
}

export interface Cap {
  limit: number;
  source: CapSource;
}

export type Caps = Partial<Record<CapKind, Cap>>;
export type Actuals = Partial<Record<CapKind, number>>;

export type CapLevel = 'ok' | 'warn' | 'exceeded';

export interface CapStatus {
  kind: CapKind;
  level: CapLevel;
  limit: number;
  /** Undefined when no actual is known yet (reported as ok; spend certainty is the meter's job). */
  actual: number | undefined;
  /** actual / limit (0 when unknown; Infinity for a zero limit already used). */
  ratio: number;
  source: CapSource;
  /** Set for `warn` and `exceeded`: one line a person can act on. */
  reason?: string;
}

export interface CapEvaluation {
  /** The most severe level over all caps. */
  level: CapLevel;
  statuses: CapStatus[];
  /** Reasons of the exceeded caps, in CAP_ORDER. */
  exceeded: string[];
}

export const WARN_RATIO = 0.8;
const CAP_ORDER: readonly CapKind[] = ['usd', 'tokens', 'minutes', 'toolCalls'];
const LEVEL_RANK: Record<CapLevel, number> = { ok: 0, warn: 1, exceeded: 2 };

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const minutesFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function amounts(kind: CapKind, actual: number, limit: number): string {
  switch (kind) {
    case 'usd':
      return `$${dollars.format(actual)} of $${dollars.format(limit)}`;
    case 'tokens':
    case 'toolCalls':
      return `${integer.format(actual)} of ${integer.format(limit)}`;
    case 'minutes':
      return `${minutesFormat.format(actual)} of ${minutesFormat.format(limit)} minutes`;
  }
}

const SUBJECT: Record<CapKind, string> = {
  usd: 'budget',
  tokens: 'token budget',
  minutes: 'time budget',
  toolCalls: 'tool call budget',
};

/** `(policy budget.usd, line 14)`: a mission cap says `mission`, every policy layer `policy`. */
export function describeSource(source: CapSource): string {
  const origin = source.layer === 'mission' ? 'mission' : 'policy';
  const line = source.line === undefined ? '' : `, line ${source.line}`;
  return `(${origin} ${source.key}${line})`;
}

/** `budget exceeded: $20.00 of $20.00 (policy budget.usd, line 14)`. */
export function exceededReason(kind: CapKind, actual: number, cap: Cap): string {
  return `${SUBJECT[kind]} exceeded: ${amounts(kind, actual, cap.limit)} ${describeSource(cap.source)}`;
}

function warnReason(kind: CapKind, actual: number, cap: Cap, ratio: number): string {
  return `${SUBJECT[kind]} at ${Math.floor(ratio * 100)}%: ${amounts(kind, actual, cap.limit)} ${describeSource(cap.source)}`;
}

export function evaluateCap(kind: CapKind, cap: Cap, actual: number | undefined): CapStatus {
  const base = { kind, limit: cap.limit, actual, source: cap.source };
  if (actual === undefined) return { ...base, level: 'ok', ratio: 0 };
  const ratio = cap.limit > 0 ? actual / cap.limit : actual > 0 ? Infinity : 1;
  // A zero cap means "none allowed": reaching it (even at 0) is exceeded, so the next action stops.
  if (ratio >= 1) return { ...base, level: 'exceeded', ratio, reason: exceededReason(kind, actual, cap) };
  if (ratio >= WARN_RATIO) return { ...base, level: 'warn', ratio, reason: warnReason(kind, actual, cap, ratio) };
  return { ...base, level: 'ok', ratio };
}

export function evaluateCaps(caps: Caps, actuals: Actuals): CapEvaluation {
  const statuses: CapStatus[] = [];
  for (const kind of CAP_ORDER) {
    const cap = caps[kind];
    if (cap) statuses.push(evaluateCap(kind, cap, actuals[kind]));
  }
  let level: CapLevel = 'ok';
  for (const s of statuses) if (LEVEL_RANK[s.level] > LEVEL_RANK[level]) level = s.level;
  const exceeded = statuses.filter((s) => s.level === 'exceeded').map((s) => s.reason ?? '');
  return { level, statuses, exceeded };
}
