import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { DEFAULT_PRICES, PRICE_SOURCE, PriceTableError, findPrice, mergePrices, normaliseModelId } from '../../../src/core/budget';

describe('budget / prices', () => {
  it('matches ids as Claude Code, Bedrock and Vertex write them', () => {
    const cases: Array<[string, string]> = [
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
      ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
      ['claude-opus-4-6[1m]', 'claude-opus-4-6'],
      ['claude-opus-4-1', 'claude-opus-4-1'],
      ['claude-opus-4-20250514', 'claude-opus-4-20250514'],
      ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
      ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
      ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
      ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ];
    for (const [id, key] of cases) assert.equal(findPrice(DEFAULT_PRICES, id)?.key, key, id);
  });

  it('never prices a newer minor version by an older family prefix', () => {
    assert.equal(findPrice(DEFAULT_PRICES, 'claude-opus-4-7')?.price.input, 5);
    assert.equal(findPrice(DEFAULT_PRICES, 'claude-opus-4-9'), undefined);
    assert.equal(findPrice(DEFAULT_PRICES, 'claude-sonnet-4-9-20270101'), undefined);
    assert.equal(normaliseModelId('claude-opus-4-9-20270101'), 'claude-opus-4-9');
  });

  it('ships the pinned price database, which knows the CLI\'s default model', () => {
    assert.equal(PRICE_SOURCE.version, (JSON.parse(readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8')) as { version: string }).version);
    assert.deepEqual(findPrice(DEFAULT_PRICES, 'claude-opus-5-5')?.price, { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 });
    assert.equal(findPrice(DEFAULT_PRICES, 'claude-opus-4-20250514')?.price.input, 15);
  });

  it('ships the published list prices', () => {
    assert.deepEqual(findPrice(DEFAULT_PRICES, 'claude-opus-4-5')?.price, { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 });
    assert.deepEqual(findPrice(DEFAULT_PRICES, 'claude-opus-4-1')?.price, { input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 });
    assert.deepEqual(findPrice(DEFAULT_PRICES, 'claude-haiku-4-5')?.price, { input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 });
    assert.deepEqual(findPrice(DEFAULT_PRICES, 'claude-3-5-haiku')?.price, { input: 0.8, output: 4, cacheWrite5m: 1, cacheWrite1h: 1.6, cacheRead: 0.08 });
    const sonnet = findPrice(DEFAULT_PRICES, 'claude-sonnet-4-5')?.price;
    assert.equal(sonnet?.cacheWrite1h, 6);
    assert.equal(sonnet?.longContext?.input, 6);
  });

  it('merges validated overrides: partial refinements, new globs, fallback', () => {
    const table = mergePrices(DEFAULT_PRICES, {
      models: { 'claude-sonnet-4-5': { cacheRead: 0.25 }, 'claude-nova-*': { input: 2, output: 8, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 } },
      fallback: { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1 },
    });
    assert.equal(findPrice(table, 'claude-sonnet-4-5-20250929')?.price.cacheRead, 0.25);
    assert.equal(findPrice(table, 'claude-sonnet-4-5-20250929')?.price.input, 3);
    assert.equal(findPrice(table, 'claude-nova-9-20270101')?.key, 'claude-nova-*');
    assert.equal(table.fallback?.input, 10);
    assert.equal(findPrice(DEFAULT_PRICES, 'claude-nova-9'), undefined, 'defaults untouched');
    assert.equal(mergePrices(table, { fallback: null }).fallback, undefined);
  });

  it('rejects invalid overrides with a reason naming the field', () => {
    assert.throws(
      () => mergePrices(DEFAULT_PRICES, { models: { 'claude-sonnet-4-5': { input: -1 } } }),
      (e: unknown) => PriceTableError.is(e) && /`models.claude-sonnet-4-5.input`/.test(e.reason),
    );
    assert.throws(
      () => mergePrices(DEFAULT_PRICES, { models: { 'claude-nova-9': { input: 2 } } }),
      (e: unknown) => PriceTableError.is(e) && /new model and must give every rate: missing output/.test(e.reason),
    );
    assert.throws(() => mergePrices(DEFAULT_PRICES, { model: {} }), PriceTableError);
  });
});
