import { strict as assert } from 'node:assert';
import {
  DEFAULT_PRICES,
  TranscriptMeter,
  UsageAccumulator,
  crossCheck,
  mergePrices,
  meterReading,
  type UsageTotals,
} from '../../../src/core/budget';
import { cents, fixture } from './helpers';

function read(name: string): UsageTotals {
  const meter = new TranscriptMeter(fixture(name));
  meter.read();
  return meter.totals();
}

const zero = () => ({ input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
const FALLBACK = { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1 };

describe('budget / meter', () => {
  it('prices de-duplicated usage per model', () => {
    const r = meterReading({ usage: read('session-basic.jsonl'), prices: DEFAULT_PRICES });
    // Sonnet 4.5 A: 2k×$3 + 12k×$15 + 40k×$3.75 + 150k×$0.30 = $0.381
    // Sonnet 4.5 B: 500×$3 + 8k×$15 + 10k (1h)×$6 + 180k×$0.30 = $0.2355
    // Haiku 4.5 C: 1k×$1 + 4k×$5 + 20k×$1.25 + 100k×$0.10 = $0.056
    assert.ok(Math.abs(r.usd - 0.6725) < 1e-9, `usd ${r.usd}`);
    assert.equal(cents(r.usd), 0.67);
    assert.deepEqual(r.tokens, { input: 3_500, output: 24_000, cacheWrite5m: 60_000, cacheWrite1h: 10_000, cacheRead: 430_000, total: 527_500 });
    assert.equal(r.certain, true);
    assert.deepEqual(r.unknownModels, []);
    assert.equal(r.source, 'transcript');
    const haiku = r.byModel.find((m) => m.model.startsWith('claude-haiku'));
    assert.equal(haiku?.priceKey, 'claude-haiku-4-5');
    assert.ok(Math.abs((haiku?.usd ?? 0) - 0.056) < 1e-9);
  });

  it('reports sidechain spend separately and includes it in the total', () => {
    const r = meterReading({ usage: read('sidechain.jsonl'), prices: DEFAULT_PRICES });
    // Opus 4.5 D: 100×$5 + 10k×$25 + 10k×$6.25 + 50k×$0.50 = $0.338; Haiku 4.5 E (subagent) = $0.0242
    assert.ok(Math.abs(r.usd - 0.3622) < 1e-9, `usd ${r.usd}`);
    assert.equal(cents(r.usd), 0.36);
    assert.ok(Math.abs(r.sidechain.usd - 0.0242) < 1e-9);
    assert.equal(r.sidechain.responses, 1);
    assert.equal(r.sidechain.tokens.total, 50_200);
  });

  it('an unknown model is estimated at the dearest rate of its provider, flagged, never $0 and never a freeze', () => {
    const r = meterReading({ usage: read('unknown-model.jsonl'), prices: DEFAULT_PRICES });
    assert.equal(r.certain, true);
    assert.deepEqual(r.unknownModels, ['claude-nova-9-20270101']);
    assert.deepEqual(r.estimatedModels, ['claude-nova-9-20270101']);
    const nova = r.byModel.find((m) => m.model === 'claude-nova-9-20270101');
    assert.equal(nova?.estimated, true);
    assert.equal(nova?.estimatedFrom, 'claude');
    // No line word in `nova`: the dearest Claude rates ($15 in, $75 out): 1k×$15 + 2k×$75 = $0.165; plus Sonnet 4.6 G $0.018.
    assert.ok(Math.abs(r.usd - 0.183) < 1e-9, `usd ${r.usd}`);
    assert.equal(nova?.tokens.total, 3_000);
  });

  it('prefers the CLI\'s own figure over an estimate, and keeps what it priced exactly', () => {
    const usage = read('unknown-model.jsonl');
    assert.ok(Math.abs(meterReading({ usage, cliUsd: 0.05, prices: DEFAULT_PRICES }).usd - 0.05) < 1e-9);
    // A CLI figure below what we priced exactly never lowers the spend.
    assert.ok(Math.abs(meterReading({ usage, cliUsd: 0.001, prices: DEFAULT_PRICES }).usd - 0.018) < 1e-9);
  });

  it('with estimates off (budget.onUnknown: freeze) an unknown model makes the reading uncertain', () => {
    const r = meterReading({ usage: read('unknown-model.jsonl'), prices: DEFAULT_PRICES, estimateUnknown: false });
    assert.equal(r.certain, false);
    assert.match(r.uncertainReasons[0], /no price for model `claude-nova-9-20270101`/);
    assert.ok(Math.abs(r.usd - 0.018) < 1e-9);
    assert.equal(r.byModel.find((m) => m.model === 'claude-nova-9-20270101')?.unpriced, true);
  });

  it('estimates a new model of a known line from that line: `claude-opus-9` at the dearest opus', () => {
    const usage: UsageTotals = {
      responses: 1, duplicateLines: 0,
      byModel: [{ model: 'claude-opus-9', responses: 1, tokens: { input: 1_000_000, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
        longContext: zero(), sidechain: zero(), sidechainLongContext: zero(), sidechainResponses: 0 }],
    };
    const r = meterReading({ usage, prices: DEFAULT_PRICES });
    assert.equal(r.byModel[0]?.estimatedFrom, 'claude opus');
    assert.equal(r.usd, 15);
  });

  it('an unknown model with a fallback is priced by it and still flagged', () => {
    const prices = mergePrices(DEFAULT_PRICES, { fallback: FALLBACK });
    const r = meterReading({ usage: read('unknown-model.jsonl'), prices });
    assert.equal(r.certain, true);
    assert.deepEqual(r.unknownModels, ['claude-nova-9-20270101']);
    // F at the fallback: 1k×$10 + 2k×$50 = $0.11; plus G $0.018
    assert.ok(Math.abs(r.usd - 0.128) < 1e-9, `usd ${r.usd}`);
    assert.equal(cents(r.usd), 0.13);
  });

  it('bills requests above 200K prompt tokens at long-context rates where the model has them', () => {
    const acc = new UsageAccumulator();
    const tokens = { input: 50_000, output: 10_000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 200_000 };
    acc.add({ key: 'm1', model: 'claude-sonnet-4-5-20250929', sidechain: false, tokens });
    acc.add({ key: 'm2', model: 'claude-sonnet-4-6', sidechain: false, tokens });
    const r = meterReading({ usage: acc.totals(), prices: DEFAULT_PRICES });
    const s45 = r.byModel.find((m) => m.model === 'claude-sonnet-4-5-20250929');
    const s46 = r.byModel.find((m) => m.model === 'claude-sonnet-4-6');
    // 50k×$6 + 200k×$0.60 + 10k×$22.50 = $0.645; Sonnet 4.6 has no surcharge: $0.36
    assert.ok(Math.abs((s45?.usd ?? 0) - 0.645) < 1e-9);
    assert.ok(Math.abs((s46?.usd ?? 0) - 0.36) < 1e-9);
  });

  it('enforces the larger of the transcript and CLI figures and cross-checks them', () => {
    const usage = read('session-basic.jsonl');
    const higher = meterReading({ usage, cliUsd: 0.9, prices: DEFAULT_PRICES });
    assert.equal(higher.source, 'both');
    assert.equal(higher.usd, 0.9);
    assert.equal(higher.crossCheck?.agree, false);
    const close = meterReading({ usage, cliUsd: 0.675, prices: DEFAULT_PRICES });
    assert.ok(Math.abs(close.usd - 0.675) < 1e-9);
    assert.equal(close.crossCheck?.agree, true);
    const cliOnly = meterReading({ cliUsd: 1.25, prices: DEFAULT_PRICES });
    assert.equal(cliOnly.source, 'cli');
    assert.equal(cliOnly.usd, 1.25);
  });

  it('crossCheck agrees within 1% (or half a cent) and signs the delta', () => {
    assert.deepEqual(crossCheck(10, 10), { agree: true, deltaPct: 0 });
    assert.equal(crossCheck(10, 10.05).agree, true);
    const off = crossCheck(10, 10.2);
    assert.equal(off.agree, false);
    assert.ok(Math.abs(off.deltaPct - (0.2 / 10.2) * 100) < 1e-9);
    assert.ok(crossCheck(10.2, 10).deltaPct < 0);
    assert.equal(crossCheck(0.001, 0.004).agree, true);
    assert.deepEqual(crossCheck(0, 0), { agree: true, deltaPct: 0 });
  });
});
