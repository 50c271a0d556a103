/**
 * The gateway's own meter: every response it passed, priced, against the caps that apply to
 * this session. Spend of other sessions (today on this machine, the same mission) comes in as
 * a fixed `priorUsd` per cap, read once from the local traces when the lane opens.
 */
import { amounts, describeSource, WARN_RATIO, type Cap } from '../budget/caps';
import { meterReading, type MeterReading } from '../budget/meter';
import type { PriceTable } from '../budget/prices';
import { UsageAccumulator } from '../budget/usage';
import type { MeteredResponse } from './responseUsage';

/** What a cap counts: this session, every session of the machine today (UTC), or of the mission. */
export type CapScope = 'session' | 'day' | 'mission';

export interface ScopedCap {
  scope: CapScope;
  cap: Cap;
  /** USD already spent in this scope by other sessions. */
  priorUsd: number;
}

export interface CapCheck {
  scope: CapScope;
  level: 'ok' | 'warn' | 'reached';
  actualUsd: number;
  limitUsd: number;
  /** One line a person can act on, for warn and reached. */
  message?: string;
}

const SUBJECT: Record<CapScope, string> = { session: 'budget', day: 'daily budget', mission: 'mission budget' };
const WHERE: Record<CapScope, string> = { session: '', day: ' today on this machine', mission: ' for this mission' };

/** `budget reached: $0.52 of $0.50 (policy budget.usd, line 14)`, `daily budget at 81%: …`. */
function describe(c: ScopedCap, actual: number, state: string): string {
  return `${SUBJECT[c.scope]} ${state}: ${amounts('usd', actual, c.cap.limit)}${WHERE[c.scope]} ${describeSource(c.cap.source)}`;
}

export class GatewaySpend {
  private readonly accumulator = new UsageAccumulator();
  private cliUsd: number | undefined;
  private caps: ScopedCap[];
  /** The reading after the last change; pricing runs once per response, not per question. */
  private last: MeterReading | undefined;

  constructor(private readonly prices: PriceTable, caps: readonly ScopedCap[], private readonly estimateUnknown = true) {
    this.caps = [...caps];
  }

  /**
   * Count one response; undefined when its message id was already counted (each response
   * once), else what it cost (an upper bound when estimated) and the reading after it.
   */
  add(r: MeteredResponse): { usd: number; estimated: boolean; reading: MeterReading } | undefined {
    const before = this.reading().transcriptUsd ?? 0;
    if (!this.accumulator.add({ key: r.messageId, model: r.model, sidechain: false, tokens: r.tokens })) return undefined;
    this.last = undefined;
    const reading = this.reading();
    return { usd: (reading.transcriptUsd ?? 0) - before, estimated: reading.estimatedModels.includes(r.model), reading };
  }

  get hasCaps(): boolean {
    return this.caps.length > 0;
  }

  /** The CLI's own figure (statusLine, print-mode result): preferred where the table has no price. */
  setCliCost(usd: number): void {
    if (Number.isFinite(usd) && usd >= 0 && usd !== this.cliUsd) {
      this.cliUsd = Math.max(this.cliUsd ?? 0, usd);
      this.last = undefined;
    }
  }

  reading(): MeterReading {
    this.last ??= meterReading({ usage: this.accumulator.totals(), cliUsd: this.cliUsd, prices: this.prices, estimateUnknown: this.estimateUnknown });
    return this.last;
  }

  /** A supervisor raises the session cap; the caller records who and why. */
  raise(by: string, usd: number): { from: number; to: number } {
    const current = this.caps.find((c) => c.scope === 'session');
    const from = current?.cap.limit ?? 0;
    const raised: ScopedCap = { scope: 'session', priorUsd: 0, cap: { limit: usd, source: { layer: 'session', file: `(raised by ${by})`, key: 'budget.usd' } } };
    this.caps = [...this.caps.filter((c) => c.scope !== 'session'), raised];
    return { from, to: usd };
  }

  /** Every cap's level now; the most severe first. */
  check(reading = this.reading()): CapCheck[] {
    const out: CapCheck[] = this.caps.map((c) => {
      const actual = c.priorUsd + reading.usd;
      const base = { scope: c.scope, actualUsd: actual, limitUsd: c.cap.limit };
      // A zero cap means none allowed: reaching it, even at $0, stops the next request.
      if (actual >= c.cap.limit) return { ...base, level: 'reached' as const, message: `Agent Lane: ${describe(c, actual, 'reached')} — raise it in the sidebar` };
      if (actual >= c.cap.limit * WARN_RATIO) return { ...base, level: 'warn' as const, message: `Agent Lane: ${describe(c, actual, `at ${Math.floor((actual / c.cap.limit) * 100)}%`)}` };
      return { ...base, level: 'ok' as const };
    });
    const rank = { reached: 2, warn: 1, ok: 0 };
    return out.sort((a, b) => rank[b.level] - rank[a.level]);
  }
}
