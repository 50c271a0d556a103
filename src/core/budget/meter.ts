/**
 * Pure pricing of usage totals, and the reconciliation with the CLI's own cost estimate.
 *
 * Enforcement uses the larger of our transcript-based figure and the CLI's figure: each can
 * miss something the other sees (a price we lack, a line the CLI never wrote), and a budget
 * must fail closed.
 */
import { estimatePrice, findPrice, type PriceTable, type TokenPrices } from './prices';
import { addTokens, totalTokens, zeroTokens, type ModelUsage, type TokenCounts, type UsageTotals } from './usage';

export interface TokenSummary extends TokenCounts {
  total: number;
}

export interface ModelSpend {
  model: string;
  /** Price-table key that priced this model; absent when no price applied. */
  priceKey?: string;
  /** No pattern in the table matched (priced by the fallback, or not at all). */
  unknown: boolean;
  /** Unknown and no fallback: `usd` leaves these tokens out and the reading is uncertain. */
  unpriced: boolean;
  /**
   * Unknown and no fallback: priced at the dearest rate of its family (`estimatedFrom`), never
   * $0. The CLI's own figure, when there is one, is preferred over this estimate.
   */
  estimated: boolean;
  estimatedFrom?: string;
  usd: number;
  responses: number;
  tokens: TokenSummary;
  sidechainUsd: number;
  sidechainTokens: TokenSummary;
  sidechainResponses: number;
}

export interface CrossCheck {
  /** Within 1% of each other (or half a cent, for tiny amounts). */
  agree: boolean;
  /** (cli − meter) relative to the larger of the two, in percent; positive when the CLI says more. */
  deltaPct: number;
}

export type SpendSource = 'transcript' | 'cli' | 'both';

export interface MeterReading {
  /** Effective spend for enforcement: the max of the transcript and CLI figures. */
  usd: number;
  transcriptUsd?: number;
  cliUsd?: number;
  tokens: TokenSummary;
  sidechain: { usd: number; tokens: TokenSummary; responses: number };
  byModel: ModelSpend[];
  /** Models absent from the price table (sorted), whether or not a fallback priced them. */
  unknownModels: string[];
  /** Unknown models priced by an estimate (sorted): the figure is an upper bound, flagged "estimated". */
  estimatedModels: string[];
  /** False when some spend could not be priced: the broker treats the budget as unknown. */
  certain: boolean;
  /** Why `certain` is false, one actionable line each. */
  uncertainReasons: string[];
  source: SpendSource;
  crossCheck?: CrossCheck;
}

export type MeterInput =
  | { usage: UsageTotals; cliUsd?: number; prices: PriceTable; estimateUnknown?: boolean }
  | { usage?: undefined; cliUsd: number; prices: PriceTable; estimateUnknown?: boolean };

const RELATIVE_TOLERANCE_PCT = 1;
const ABSOLUTE_TOLERANCE_USD = 0.005;

function summary(t: TokenCounts): TokenSummary {
  return { ...t, total: totalTokens(t) };
}

function minus(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input - b.input,
    output: a.output - b.output,
    cacheWrite5m: a.cacheWrite5m - b.cacheWrite5m,
    cacheWrite1h: a.cacheWrite1h - b.cacheWrite1h,
    cacheRead: a.cacheRead - b.cacheRead,
  };
}

/** USD for `tokens` at `prices` (USD per million tokens). */
export function costOf(tokens: TokenCounts, prices: TokenPrices): number {
  return (
    (tokens.input * prices.input +
      tokens.output * prices.output +
      tokens.cacheWrite5m * prices.cacheWrite5m +
      tokens.cacheWrite1h * prices.cacheWrite1h +
      tokens.cacheRead * prices.cacheRead) /
    1_000_000
  );
}

/** Standard-rate part plus long-context part (at long rates when the model has them). */
function tieredCost(all: TokenCounts, long: TokenCounts, price: TokenPrices & { longContext?: TokenPrices }): number {
  return costOf(minus(all, long), price) + costOf(long, price.longContext ?? price);
}

function priceModel(usage: ModelUsage, prices: PriceTable, estimateUnknown: boolean): ModelSpend {
  const match = findPrice(prices, usage.model);
  const estimate = !match && !prices.fallback && estimateUnknown ? estimatePrice(prices, usage.model) : undefined;
  const price = match?.price ?? prices.fallback ?? estimate?.price;
  const base = {
    model: usage.model,
    unknown: match === undefined,
    estimated: estimate !== undefined,
    ...(estimate ? { estimatedFrom: estimate.family } : {}),
    responses: usage.responses,
    tokens: summary(usage.tokens),
    sidechainTokens: summary(usage.sidechain),
    sidechainResponses: usage.sidechainResponses,
  };
  if (!price) return { ...base, unpriced: true, usd: 0, sidechainUsd: 0 };
  return {
    ...base,
    ...(match ? { priceKey: match.key } : {}),
    unpriced: false,
    usd: tieredCost(usage.tokens, usage.longContext, price),
    sidechainUsd: tieredCost(usage.sidechain, usage.sidechainLongContext, price),
  };
}

/** Compare our figure with the CLI's `cost.total_cost_usd`. */
export function crossCheck(meterUsd: number, cliUsd: number): CrossCheck {
  const larger = Math.max(Math.abs(meterUsd), Math.abs(cliUsd));
  const diff = cliUsd - meterUsd;
  const deltaPct = larger === 0 ? 0 : (diff / larger) * 100;
  const agree = Math.abs(deltaPct) <= RELATIVE_TOLERANCE_PCT || Math.abs(diff) < ABSOLUTE_TOLERANCE_USD;
  return { agree, deltaPct };
}

/** Price transcript usage and reconcile it with the CLI estimate. */
export function meterReading(input: MeterInput): MeterReading {
  const { usage, cliUsd, prices } = input;
  const estimateUnknown = input.estimateUnknown ?? true;
  if (!usage) {
    const empty = summary(zeroTokens());
    return {
      usd: cliUsd,
      cliUsd,
      tokens: empty,
      sidechain: { usd: 0, tokens: empty, responses: 0 },
      byModel: [],
      unknownModels: [],
      estimatedModels: [],
      certain: true,
      uncertainReasons: [],
      source: 'cli',
    };
  }
  // A model with no tokens (e.g. an error reply) cannot change the cost: not worth a freeze.
  const byModel = usage.byModel.filter((m) => totalTokens(m.tokens) > 0).map((m) => priceModel(m, prices, estimateUnknown));
  const tokens = zeroTokens();
  const sideTokens = zeroTokens();
  let transcriptUsd = 0;
  let sideUsd = 0;
  let sideResponses = 0;
  for (const m of byModel) {
    transcriptUsd += m.usd;
    sideUsd += m.sidechainUsd;
    addTokens(tokens, m.tokens);
    addTokens(sideTokens, m.sidechainTokens);
    sideResponses += m.sidechainResponses;
  }
  const unknownModels = byModel.filter((m) => m.unknown).map((m) => m.model).sort();
  const estimatedModels = byModel.filter((m) => m.estimated).map((m) => m.model).sort();
  const uncertainReasons = byModel
    .filter((m) => m.unpriced)
    .map((m) => `no price for model \`${m.model}\` and no fallback price: add it to the budget price table`);
  // Where the table had no price, the CLI's own figure beats our (deliberately high) estimate;
  // the spend we priced exactly still counts in full.
  const exactUsd = byModel.filter((m) => !m.estimated).reduce((s, m) => s + m.usd, 0);
  const usd = cliUsd === undefined ? transcriptUsd
    : estimatedModels.length > 0 ? Math.max(exactUsd, cliUsd)
      : Math.max(transcriptUsd, cliUsd);
  const reading: MeterReading = {
    usd,
    transcriptUsd,
    tokens: summary(tokens),
    sidechain: { usd: sideUsd, tokens: summary(sideTokens), responses: sideResponses },
    byModel,
    unknownModels,
    estimatedModels,
    certain: uncertainReasons.length === 0,
    uncertainReasons,
    source: cliUsd === undefined ? 'transcript' : 'both',
  };
  if (cliUsd !== undefined) {
    reading.cliUsd = cliUsd;
    reading.crossCheck = crossCheck(transcriptUsd, cliUsd);
  }
  return reading;
}
