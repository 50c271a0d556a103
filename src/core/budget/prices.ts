/**
 * Model price table: USD per million tokens, matched by model id.
 *
 * Defaults come from the pinned price database (catalog.ts, PRICE_SOURCE). A price we do not
 * know is never treated as $0: the meter flags the model and prices it with the configured
 * fallback, or estimates it at the most expensive rate of its family (`estimatePrice`).
 */
import { z } from 'zod';
import { catalogPrices } from './catalog';
import { LONG_CONTEXT_THRESHOLD, normaliseModelId } from './modelId';

export { LONG_CONTEXT_THRESHOLD, normaliseModelId };

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

// The default table comes from the pinned price database (catalog.ts); `<synthetic>` is
// Claude Code's name for messages it made up locally (API errors, interrupts): no API call,
// nothing billed.
export const DEFAULT_PRICES: PriceTable = {
  models: { ...catalogPrices().models, '<synthetic>': { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 } },
};

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

/** Model lines whose members are priced alike; an unknown `claude-opus-6` is estimated from the opus line. */
const MODEL_LINES = ['opus', 'sonnet', 'haiku', 'fable'];

export interface PriceEstimate {
  price: ModelPrice;
  /** What the estimate was taken from, e.g. `claude opus` or `claude` (the whole provider). */
  family: string;
}

function dearest(prices: readonly ModelPrice[]): ModelPrice {
  const classes: Array<keyof TokenPrices> = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'];
  const max = (pick: (p: ModelPrice) => TokenPrices): TokenPrices =>
    Object.fromEntries(classes.map((c) => [c, Math.max(...prices.map((p) => pick(p)[c]))])) as unknown as TokenPrices;
  const standard = max((p) => p);
  const long = max((p) => p.longContext ?? p);
  return { ...standard, longContext: long };
}

/**
 * A price for a model the table does not know, never $0: the most expensive rate of each
 * token class among the model's line at its provider (`claude` + `opus`), else among the
 * provider's models, else among every model in the table. The caller flags it "estimated".
 */
export function estimatePrice(table: PriceTable, model: string): PriceEstimate {
  const id = normaliseModelId(model);
  const provider = /^[a-z]+/.exec(id)?.[0] ?? '';
  const line = MODEL_LINES.find((l) => id.includes(l));
  const entries = Object.entries(table.models).filter(([key]) => key !== '<synthetic>');
  const pick = (keep: (key: string) => boolean): ModelPrice[] => entries.filter(([key]) => keep(key.toLowerCase())).map(([, p]) => p);
  const candidates: Array<[string, ModelPrice[]]> = [
    [`${provider} ${line ?? ''}`.trim(), line && provider ? pick((k) => k.startsWith(provider) && k.includes(line)) : []],
    [provider, provider ? pick((k) => k.startsWith(provider)) : []],
    ['any model', entries.map(([, p]) => p)],
  ];
  for (const [family, prices] of candidates) if (prices.length > 0) return { family, price: dearest(prices) };
  // An empty table: nothing to estimate from. Price at a rate no real model reaches, so the
  // cap trips rather than the spend going unseen.
  const absurd = { input: 1000, output: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000, cacheRead: 1000 };
  return { family: 'no prices', price: absurd };
}
