/** Activation stays cheap: the extension reports how long activate() took (npm run bench reads it). */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { agentLane } from '../support/extension';

suite('Agent Lane activation', () => {
  test('reports its activation time and defers the shell parser', async () => {
    const ext = agentLane();
    const api: unknown = await ext.activate();
    const ms: unknown = typeof api === 'object' && api !== null ? Reflect.get(api, 'activationMs') : undefined;
    assert.equal(typeof ms, 'number');
    assert.ok(Number.isFinite(ms) && (ms as number) >= 0, `activationMs is ${String(ms)}`);
    const out = process.env.AGENTLANE_BENCH_ACTIVATION_FILE;
    if (out) writeFileSync(out, JSON.stringify({ activationMs: ms }));
  });
});
