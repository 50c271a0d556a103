import { strict as assert } from 'node:assert';
import { evaluateCap, evaluateCaps, type Cap, type CapSource } from '../../../src/core/budget';

const policy = (key: string, line: number): CapSource => ({ layer: 'workspace', file: '.agentlane/policy.yaml', line, key });
const mission = (key: string, line: number): CapSource => ({ layer: 'mission', file: '.agentlane/missions/M-12.yaml', line, key });
const cap = (limit: number, source: CapSource): Cap => ({ limit, source });

describe('budget / caps', () => {
  it('states an exceeded USD cap exactly as the agent and the UI will read it', () => {
    const s = evaluateCap('usd', cap(20, policy('budget.usd', 14)), 20);
    assert.equal(s.level, 'exceeded');
    assert.equal(s.reason, 'budget exceeded: $20.00 of $20.00 (policy budget.usd, line 14)');
  });

  it('formats token, time and tool-call caps, and says mission for a mission cap', () => {
    assert.equal(
      evaluateCap('tokens', cap(2_000_000, policy('budget.tokens', 15)), 2_000_000).reason,
      'token budget exceeded: 2,000,000 of 2,000,000 (policy budget.tokens, line 15)',
    );
    assert.equal(
      evaluateCap('tokens', cap(2_000_000, mission('caps.tokens', 9)), 2_150_000).reason,
      'token budget exceeded: 2,150,000 of 2,000,000 (mission caps.tokens, line 9)',
    );
    assert.equal(
      evaluateCap('minutes', cap(90, policy('budget.minutes', 16)), 90.5).reason,
      'time budget exceeded: 90.5 of 90 minutes (policy budget.minutes, line 16)',
    );
    assert.equal(
      evaluateCap('toolCalls', cap(500, mission('caps.toolCalls', 11)), 500).reason,
      'tool call budget exceeded: 500 of 500 (mission caps.toolCalls, line 11)',
    );
    assert.equal(
      evaluateCap('usd', cap(12_000, mission('caps.usd', 7)), 12_345.678).reason,
      'budget exceeded: $12,345.68 of $12,000.00 (mission caps.usd, line 7)',
    );
  });

  it('warns from 80% and is ok below', () => {
    const warn = evaluateCap('usd', cap(20, policy('budget.usd', 14)), 16);
    assert.equal(warn.level, 'warn');
    assert.equal(warn.reason, 'budget at 80%: $16.00 of $20.00 (policy budget.usd, line 14)');
    const ok = evaluateCap('usd', cap(20, policy('budget.usd', 14)), 15.99);
    assert.equal(ok.level, 'ok');
    assert.equal(ok.reason, undefined);
    assert.equal(evaluateCap('usd', cap(20, policy('budget.usd', 14)), 19.99).level, 'warn');
  });

  it('a zero cap is exceeded at once; an unknown actual is not evaluated', () => {
    assert.equal(evaluateCap('toolCalls', cap(0, policy('budget.toolCalls', 3)), 0).level, 'exceeded');
    assert.equal(evaluateCap('usd', cap(20, policy('budget.usd', 14)), undefined).level, 'ok');
  });

  it('evaluates all caps, reports the most severe level and every exceeded reason in order', () => {
    const result = evaluateCaps(
      { usd: cap(20, policy('budget.usd', 14)), tokens: cap(1_000, policy('budget.tokens', 15)), minutes: cap(60, mission('caps.minutes', 8)) },
      { usd: 21, tokens: 900, minutes: 61 },
    );
    assert.equal(result.level, 'exceeded');
    assert.deepEqual(result.statuses.map((s) => s.level), ['exceeded', 'warn', 'exceeded']);
    assert.deepEqual(result.exceeded, [
      'budget exceeded: $21.00 of $20.00 (policy budget.usd, line 14)',
      'time budget exceeded: 61 of 60 minutes (mission caps.minutes, line 8)',
    ]);
  });

  it('omits the line when the source has none', () => {
    const s = evaluateCap('usd', { limit: 5, source: { layer: 'user', file: 'settings.json', key: 'agentlane.budget.usd' } }, 6);
    assert.equal(s.reason, 'budget exceeded: $6.00 of $5.00 (policy agentlane.budget.usd)');
  });
});
