/**
 * De-duplicating usage totals.
 *
 * Each API response is counted once. Its lines repeat the usage; during streaming a later
 * line may carry a larger `output_tokens` than an earlier one. We therefore keep, per response
 * and per token class, the MAXIMUM seen, and add only the growth to the totals. Summing the
 * lines over-counts (N content blocks → N×); keeping only the first line can under-count
 * output. Because only growth is added, re-reading the same lines (file rotated, meter
 * restarted over the same file, two meters sharing one accumulator) never double counts.
 */
import { LONG_CONTEXT_THRESHOLD } from './prices';
import type { TokenCounts, UsageRecord } from './transcript';

export type { TokenCounts } from './transcript';

export function zeroTokens(): TokenCounts {
  return { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
}

export function totalTokens(t: TokenCounts): number {
  return t.input + t.output + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead;
}

export function addTokens(into: TokenCounts, from: TokenCounts): void {
  into.input += from.input;
  into.output += from.output;
  into.cacheWrite5m += from.cacheWrite5m;
  into.cacheWrite1h += from.cacheWrite1h;
  into.cacheRead += from.cacheRead;
}

/** Usage of one model. `longContext` and `sidechain` are subsets of `tokens`. */
export interface ModelUsage {
  model: string;
  responses: number;
  tokens: TokenCounts;
  /** Tokens of responses whose prompt exceeded LONG_CONTEXT_THRESHOLD (priced differently). */
  longContext: TokenCounts;
  /** Tokens spent by subagents (`isSidechain: true`): they cost money like the main thread. */
  sidechain: TokenCounts;
  /** Sidechain tokens that were also long-context (so the sidechain share can be priced exactly). */
  sidechainLongContext: TokenCounts;
  sidechainResponses: number;
}

export interface UsageTotals {
  responses: number;
  /** Lines that repeated a response already counted (content blocks, re-reads). */
  duplicateLines: number;
  byModel: ModelUsage[];
}

interface ResponseState {
  bucket: ModelUsage;
  long: boolean;
  sidechain: boolean;
  seen: TokenCounts;
}

const CLASSES = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

function promptTokens(t: TokenCounts): number {
  return t.input + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead;
}

export class UsageAccumulator {
  private readonly responses = new Map<string, ResponseState>();
  private readonly models = new Map<string, ModelUsage>();
  private duplicates = 0;

  /** Count one line's usage. Returns true when the line was the first of its response. */
  add(record: UsageRecord): boolean {
    const known = this.responses.get(record.key);
    if (known) {
      this.duplicates++;
      this.grow(known, record.tokens);
      return false;
    }
    const bucket = this.bucket(record.model);
    const state: ResponseState = {
      bucket,
      // The prompt size is fixed per request, so the tier is decided once, on first sight.
      long: promptTokens(record.tokens) > LONG_CONTEXT_THRESHOLD,
      sidechain: record.sidechain,
      seen: zeroTokens(),
    };
    this.responses.set(record.key, state);
    bucket.responses++;
    if (record.sidechain) bucket.sidechainResponses++;
    this.grow(state, record.tokens);
    return true;
  }

  totals(): UsageTotals {
    const byModel = [...this.models.values()].map((m) => ({
      ...m,
      tokens: { ...m.tokens },
      longContext: { ...m.longContext },
      sidechain: { ...m.sidechain },
      sidechainLongContext: { ...m.sidechainLongContext },
    }));
    return { responses: this.responses.size, duplicateLines: this.duplicates, byModel };
  }

  private grow(state: ResponseState, tokens: TokenCounts): void {
    const { bucket, seen } = state;
    for (const c of CLASSES) {
      const delta = tokens[c] - seen[c];
      if (delta <= 0) continue;
      seen[c] = tokens[c];
      bucket.tokens[c] += delta;
      if (state.long) bucket.longContext[c] += delta;
      if (state.sidechain) bucket.sidechain[c] += delta;
      if (state.sidechain && state.long) bucket.sidechainLongContext[c] += delta;
    }
  }

  private bucket(model: string): ModelUsage {
    let bucket = this.models.get(model);
    if (!bucket) {
      bucket = { model, responses: 0, tokens: zeroTokens(), longContext: zeroTokens(), sidechain: zeroTokens(), sidechainLongContext: zeroTokens(), sidechainResponses: 0 };
      this.models.set(model, bucket);
    }
    return bucket;
  }
}
