import { strict as assert } from 'node:assert';
import { SessionMeter } from '../../../src/core/budget/sessionMeter';
import { DEFAULT_PRICES } from '../../../src/core/budget/prices';
import { policy } from '../policy/builders';

describe('budget / session meter and the model gateway', () => {
  it('the tool gate never sees less than the gateway metered: its figure alone can exceed the cap', () => {
    const meter = new SessionMeter(policy('version: 1\nbudget:\n  usd: 0.01\n'), DEFAULT_PRICES);
    assert.deepEqual(meter.status(), { state: 'ok' });
    meter.setGatewayCost(0.009);
    assert.equal(meter.status().state, 'warn');
    meter.setGatewayCost(0.016);
    assert.deepEqual(meter.status(), { state: 'exceeded', reason: 'budget exceeded: $0.02 of $0.01 (policy budget.usd, line 3)' });
    // A smaller figure later never lowers the spend.
    meter.setGatewayCost(0.001);
    assert.equal(meter.status().state, 'exceeded');
  });
});
