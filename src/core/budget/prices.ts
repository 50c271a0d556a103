/**
 * Model price table: USD per million tokens, matched by model id.
 *
 * Defaults follow Anthropic's published list prices (platform.claude.com "Pricing", checked
 * 2026-11). A price we do not know is never treated as $0: the meter flags the model and either
 * prices it with the configured fallback or reports the reading as uncertain (fail closed).
 */
import { z } from 'zod';

/** USD per million tokens for each billable token class. */
export interface TokenPrices {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface ModelPrice extends TokenPrices {
  /**
   * Rates for a request whose prompt (input + cache writes + cache reads) exceeds
   * LONG_CONTEXT_THRESHOLD tokens. Absent: the model has no long-context surcharge.
   */
  readonly longContext?: TokenPrices;
}

/**
 * Keys are model patterns: a family id (`claude-sonnet-4-5`, matched after the model id is
 * normalised, see `normaliseModelId`) or a glob with `*` (`claude-sonnet-*`).
 */
export interface PriceTable {
  readonly models: Readonly<Record<string, ModelPrice>>;
  /** Used for models no pattern matches; such models are still reported as unknown. */
  readonly fallback?: ModelPrice;
}

/** Anthropic bills a request above this many prompt tokens at the long-context rate. */
export const LONG_CONTEXT_THRESHOLD = 200_000;

function p(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): TokenPrices {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

const OPUS_4 = p(15, 75, 18.75, 30, 1.5);
const OPUS_45 = p(5, 25, 6.25, 10, 0.5);
const SONNET_4 = p(3, 15, 3.75, 6, 0.3);
// Sonnet 4 / 4.5 with the 1M-context beta: 2x input-side, 1.5x output above 200K prompt tokens.
// Sonnet 4.6 and Opus 4.6+ bill the full window at the standard rate.
const SONNET_4_LONG = p(6, 22.5, 7.5, 12, 0.6);

export const DEFAULT_PRICES: PriceTable = {
  models: {
    'claude-opus-4': OPUS_4,
    'claude-opus-4-0': OPUS_4,
    'claude-opus-4-1': OPUS_4,
    'claude-opus-4-5': OPUS_45,
    'claude-opus-4-6': OPUS_45,
    'claude-opus-4-7': OPUS_45,
    'claude-opus-4-8': OPUS_45,
    'claude-opus-5': OPUS_45,
    'claude-sonnet-4': { ...SONNET_4, longContext: SONNET_4_LONG },
    'claude-sonnet-4-0': { ...SONNET_4, longContext: SONNET_4_LONG },
    'claude-sonnet-4-5': { ...SONNET_4, longContext: SONNET_4_LONG },
    'claude-sonnet-4-6': SONNET_4,
    'claude-3-7-sonnet': SONNET_4,
    'claude-sonnet-5': p(2, 10, 2.5, 4, 0.2),
    'claude-haiku-4-5': p(1, 5, 1.25, 2, 0.1),
    'claude-3-5-haiku': p(0.8, 4, 1, 1.6, 0.08),
    'claude-3-haiku': p(0.25, 1.25, 0.3, 0.5, 0.03),
    // Claude Code writes `<synthetic>` for messages it made up locally (API errors, interrupts):
    // no API call, nothing billed.
    '<synthetic>': p(0, 0, 0, 0, 0),
  },
};

/**
 * Reduce a model id as written by Claude Code, Bedrock or Vertex to its family id:
 * `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, `us.anthropic.claude-opus-4-1-20250805-v1:0`
 * → `claude-opus-4-1`, `claude-sonnet-4-5@20250929` → `claude-sonnet-4-5`,
 * `claude-opus-4-6[1m]` → `claude-opus-4-6`. The `[1m]` suffix is Claude Code's alias for the
 * 1M window; the price difference is per request (long-context rates), not per alias.
 */
export function normaliseModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/^(?:[a-z]{2,6}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@\d{8}$/, '')
    .replace(/-(?:\d{8}|latest)$/, '');
}

interface CompiledTable {
  exact: Map<string, string>;
  globs: Array<{ key: string; re: RegExp; literal: number }>;
}

const compiled = new WeakMap<PriceTable, CompiledTable>();

function compile(table: PriceTable): CompiledTable {
  const hit = compiled.get(table);
  if (hit) return hit;
  const exact = new Map<string, string>();
  const globs: CompiledTable['globs'] = [];
  for (const key of Object.keys(table.models)) {
    const lower = key.toLowerCase();
    if (!lower.includes('*')) {
      exact.set(lower, key);
      continue;
    }
    const source = lower.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    globs.push({ key, re: new RegExp(`^${source}$`), literal: lower.replace(/\*/g, '').length });
  }
  // The most specific glob wins, so `claude-opus-4-5*` beats `claude-opus-*`.
  globs.sort((a, b) => b.literal - a.literal);
  const result = { exact, globs };
  compiled.set(table, result);
  return result;
}

export interface PriceMatch {
  /** The table key that matched. */
  key: string;
  price: ModelPrice;
}

/**
 * Price for a model id: an exact key for the full id (a dated snapshot someone priced on
 * purpose) beats the family id, which beats globs. Family ids never match by prefix alone:
 * `claude-opus-4` must not price `claude-opus-4-7` at the old $15 rate.
 */
export function findPrice(table: PriceTable, model: string): PriceMatch | undefined {
  const { exact, globs } = compile(table);
  const full = model.trim().toLowerCase().replace(/\[[^\]]*\]$/, '');
  const family = normaliseModelId(model);
  for (const id of [full, family]) {
    const key = exact.get(id);
    if (key !== undefined) return { key, price: table.models[key] };
  }
  for (const glob of globs) {
    if (glob.re.test(family) || glob.re.test(full)) return { key: glob.key, price: table.models[glob.key] };
  }
  return undefined;
}

const usdPerMillion = z.number().finite().nonnegative();

export const tokenPricesSchema = z.strictObject({
  input: usdPerMillion,
  output: usdPerMillion,
  cacheWrite5m: usdPerMillion,
  cacheWrite1h: usdPerMillion,
  cacheRead: usdPerMillion,
});

export const modelPriceSchema = tokenPricesSchema.extend({ longContext: tokenPricesSchema.optional() });

/**
 * Settings / policy overrides. A model entry may be partial when it refines a default
 * (`{"claude-sonnet-4-5": {"cacheRead": 0.25}}`); a new pattern must give every rate.
 * `fallback: null` removes a fallback set by an earlier layer.
 */
export const priceOverridesSchema = z.strictObject({
  models: z.record(z.string().min(1), modelPriceSchema.partial()).optional(),
  fallback: z.union([modelPriceSchema, z.null()]).optional(),
});

export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** An override that cannot be applied; `reason` is shown to the person who wrote it. */
export class PriceTableError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'PriceTableError';
    this.reason = reason;
  }
  static is(error: unknown): error is PriceTableError {
    return error instanceof PriceTableError;
  }
}

/** Validate `overrides` (untrusted: settings, policy files) and lay them over `defaults`. */
export function mergePrices(defaults: PriceTable, overrides: unknown): PriceTable {
  const parsed = priceOverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` at \`${issue.path.join('.')}\`` : '';
    throw new PriceTableError(`invalid price override${where}: ${issue.message.toLowerCase()}`);
  }
  const models: Record<string, ModelPrice> = { ...defaults.models };
  for (const [key, partial] of Object.entries(parsed.data.models ?? {})) {
    const base = defaults.models[key];
    if (base) {
      models[key] = { ...base, ...partial };
      continue;
    }
    const complete = modelPriceSchema.safeParse(partial);
    if (!complete.success) {
      const missing = complete.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new PriceTableError(`price override for \`${key}\` is a new model and must give every rate: missing ${missing}`);
    }
    models[key] = complete.data;
  }
  const fallback = parsed.data.fallback === undefined ? defaults.fallback : (parsed.data.fallback ?? undefined);
  return fallback ? { models, fallback } : { models };
}
