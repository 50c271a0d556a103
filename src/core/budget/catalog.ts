/**
 * The default price table, built from a maintained price database (`@pydantic/genai-prices`,
 * pinned in package.json) instead of a hand-kept list that lags every new model.
 *
 * The database describes each model with match rules (`equals`, `starts_with`, …) and prices
 * per million tokens, sometimes tiered by prompt size or changing on a start date. We turn it
 * into our `PriceTable`: the model id and every `equals` as exact keys, every `starts_with` as a
 * `prefix*` glob, so `findPrice` answers the way the database itself would.
 */
import { findProvider, type ModelInfo, type ModelPrice as CatalogPrice } from '@pydantic/genai-prices';
import { LONG_CONTEXT_THRESHOLD, normaliseModelId } from './modelId';
import type { ModelPrice, PriceTable, TokenPrices } from './prices';

/** Where the default prices come from; shown by `agentlane usage` and checked by a unit test. */
export const PRICE_SOURCE = { package: '@pydantic/genai-prices', version: '0.1.8', provider: 'anthropic' } as const;

type Rate = CatalogPrice[string];

/** The base rate and, for a tier starting at the long-context threshold, the long rate. */
function rates(r: Rate): { base: number; long: number } | undefined {
  if (typeof r === 'number') return { base: r, long: r };
  if (r && typeof r === 'object' && typeof r.base === 'number') {
    // A tier elsewhere than our threshold still bills more above it: its highest price is the
    // safe long-context figure (a budget must not under-count).
    const tiers = r.tiers.filter((t) => t.start <= LONG_CONTEXT_THRESHOLD || r.tiers.length === 1);
    const long = Math.max(r.base, ...(tiers.length > 0 ? tiers : r.tiers).map((t) => t.price));
    return { base: r.base, long };
  }
  return undefined;
}

/** The prices in force at `now`: the latest `start_date` already reached, time-of-day tiers ignored. */
function currentPrices(prices: ModelInfo['prices'], now: Date): CatalogPrice | undefined {
  if (!Array.isArray(prices)) return prices;
  let best: { at: number; prices: CatalogPrice } | undefined;
  for (const c of prices) {
    if (c.constraint && c.constraint.type !== 'start_date') continue;
    const at = c.constraint ? Date.parse(c.constraint.start_date) : 0;
    if (Number.isNaN(at) || at > now.getTime()) continue;
    if (!best || at >= best.at) best = { at, prices: c.prices };
  }
  return best?.prices;
}

function toModelPrice(p: CatalogPrice): ModelPrice | undefined {
  const input = rates(p.input_mtok);
  const output = rates(p.output_mtok);
  if (!input || !output) return undefined;
  // Anthropic's published multipliers where the database leaves a class out.
  const write5m = rates(p.cache_write_mtok) ?? { base: input.base * 1.25, long: input.long * 1.25 };
  const write1h = rates(p.cache_write_1h_mtok) ?? { base: input.base * 2, long: input.long * 2 };
  const read = rates(p.cache_read_mtok) ?? { base: input.base * 0.1, long: input.long * 0.1 };
  const standard: TokenPrices = { input: input.base, output: output.base, cacheWrite5m: write5m.base, cacheWrite1h: write1h.base, cacheRead: read.base };
  const long: TokenPrices = { input: input.long, output: output.long, cacheWrite5m: write5m.long, cacheWrite1h: write1h.long, cacheRead: read.long };
  const tiered = (Object.keys(standard) as Array<keyof TokenPrices>).some((k) => standard[k] !== long[k]);
  return tiered ? { ...standard, longContext: long } : standard;
}

type Match = ModelInfo['match'];

/** Exact ids and prefixes a match rule names; `regex` and `ends_with` add nothing (dated ids normalise to the family). */
function patternsOf(match: Match, out: string[]): void {
  if ('equals' in match) out.push(match.equals.toLowerCase());
  else if ('starts_with' in match) out.push(`${match.starts_with.toLowerCase()}*`);
  else if ('or' in match) for (const m of match.or) patternsOf(m, out);
  // `and` narrows (e.g. prefix but not suffix): a glob cannot say that, so the id alone stands for it.
}

/** The catalog's models of one provider as a price table (a pure function of the pinned data and `now`). */
export function catalogPrices(now = new Date(), providerId: string = PRICE_SOURCE.provider): PriceTable {
  const provider = findProvider({ providerId });
  const models: Record<string, ModelPrice> = {};
  for (const m of provider?.models ?? []) {
    const prices = currentPrices(m.prices, now);
    const price = prices && toModelPrice(prices);
    if (!price) continue;
    const keys = [normaliseModelId(m.id)];
    patternsOf(m.match, keys);
    // The first model to claim a key keeps it, as the database's own first-match order does.
    for (const key of keys) if (!(key in models)) models[key] = price;
  }
  return { models };
}
