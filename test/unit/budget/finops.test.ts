import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { finopsLedgerSchema, parseFinopsLedger, parsePeriod, periodContains, quarterOf } from '../../../src/core/budget';

const EXAMPLE = {
  team_id: 'payments-art-2',
  period: '2026-Q2',
  caps: { agent_usd: 12000, agent_hours: 800 },
  actuals: { agent_usd: 9142, merged_prs: 188 },
  attribution: { value_stream: 'core-payments', cost_center: 'CC-4410' },
};

describe('budget / finops ledger export', () => {
  it('accepts the ARCHITECTURE.md example and the optional actuals', () => {
    assert.deepEqual(parseFinopsLedger(EXAMPLE), { ok: true, value: EXAMPLE });
    const more = { ...EXAMPLE, actuals: { ...EXAMPLE.actuals, agent_hours: 612.5, sessions: 431 } };
    assert.equal(parseFinopsLedger(more).ok, true);
  });

  it('rejects a bad period, negative money and unknown fields with a reason naming the field', () => {
    const bad = parseFinopsLedger({ ...EXAMPLE, period: '2026-Q5' });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.reason, /`period`/);
    assert.equal(parseFinopsLedger({ ...EXAMPLE, caps: { agent_usd: -1 } }).ok, false);
    assert.equal(parseFinopsLedger({ ...EXAMPLE, actuals: { ...EXAMPLE.actuals, merged_prs: 1.5 } }).ok, false);
    assert.equal(parseFinopsLedger({ ...EXAMPLE, extra: 1 }).ok, false);
  });

  it('generates a JSON Schema that carries the period pattern', () => {
    const schema = z.toJSONSchema(finopsLedgerSchema);
    assert.deepEqual([...(schema.required ?? [])].sort(), ['actuals', 'attribution', 'caps', 'period', 'team_id']);
    const period = schema.properties?.period;
    const pattern = typeof period === 'object' ? period.pattern : undefined;
    assert.ok(pattern && new RegExp(pattern).test('2026-05') && !new RegExp(pattern).test('2026-Q5'));
  });

  it('parses years, halves, quarters and months into half-open UTC ranges', () => {
    const q2 = parsePeriod('2026-Q2');
    assert.equal(q2?.kind, 'quarter');
    assert.equal(q2?.start.toISOString(), '2026-04-01T00:00:00.000Z');
    assert.equal(q2?.end.toISOString(), '2026-07-01T00:00:00.000Z');
    assert.equal(parsePeriod('2026-12')?.end.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(parsePeriod('2026-H2')?.start.toISOString(), '2026-07-01T00:00:00.000Z');
    assert.equal(parsePeriod('2026')?.end.toISOString(), '2027-01-01T00:00:00.000Z');
    for (const text of ['2026-Q0', '2026-13', '2026-00', '26-Q1', '2026-q2', '2026-H3', '']) assert.equal(parsePeriod(text), undefined, text);
    assert.ok(q2);
    assert.equal(periodContains(q2, new Date('2026-06-30T23:59:59.999Z')), true);
    assert.ok(q2);
    assert.equal(periodContains(q2, new Date('2026-07-01T00:00:00.000Z')), false);
    assert.equal(quarterOf(new Date('2026-05-04T08:00:00Z')), '2026-Q2');
  });
});
