/** The views the sidebar and status bar draw, built from the meter's and broker's own data. */
import { strict as assert } from 'node:assert';
import { budgetView, decisionView, stateView, type LaneLike } from '../../../src/vscode/sidebar/viewModel';
import { evaluateCaps } from '../../../src/core/budget/caps';
import { meterReading } from '../../../src/core/budget/meter';
import { DEFAULT_PRICES } from '../../../src/core/budget/prices';
import type { BudgetSnapshot } from '../../../src/core/budget/sessionMeter';
import type { PendingApproval } from '../../../src/core/session/types';

function snapshot(usd: number, cap: number, unknown?: string): BudgetSnapshot {
  const reading = meterReading({ cliUsd: usd, prices: DEFAULT_PRICES });
  const caps = evaluateCaps({ usd: { limit: cap, source: { layer: 'workspace', file: '/ws/.agentlane/policy.yaml', key: 'budget.usd', line: 4 } } }, { usd, tokens: 0 });
  return { reading, caps, usdCap: cap, ...(unknown ? { unknown } : {}) };
}

function lane(o: { state?: 'running' | 'frozen' | 'ended'; approvals?: PendingApproval[]; snap?: BudgetSnapshot; sandbox?: LaneLike['sandbox'] } = {}): LaneLike {
  return {
    sessionId: 's1',
    mission: undefined,
    sandbox: o.sandbox ?? { state: 'on', backend: 'bubblewrap', limits: ['processes ≤ 512', 'memory ≤ 8192 MB'] },
    meter: { snapshot: o.snap },
    broker: {
      state: o.state ?? 'running',
      frozenBecause: o.state === 'frozen' ? 'kill switch: frozen by Ada' : undefined,
      pendingApprovals: o.approvals ?? [],
      limits: () => ({ toolCalls: 3, toolCallLimit: 100, elapsedMinutes: 2, minuteLimit: undefined }),
      supervisor: { name: 'Ada', email: 'ada@example.com' },
      policy: { mode: { value: 'ship' } },
    },
  };
}

const approval: PendingApproval = {
  id: 'ap-0123456789ab', kind: 'tool', toolUseId: 't1', tool: 'Bash', summary: 'npm publish', actions: [],
  reasons: [{ decision: 'ask', rule: 'commands.ask[0]', layer: 'workspace', message: 'publishing needs approval', file: '/ws/.agentlane/policy.yaml', line: 9 }],
  requestedAt: '2026-11-21T12:00:00.000Z', answerers: [],
};

describe('sidebar view model', () => {
  it('says whether the agent is sandboxed, and why not when it is not', () => {
    const on = stateView({ hasWorkspace: true, stack: undefined, lane: lane() }).session!.sandbox;
    assert.equal(on.state, 'on');
    assert.equal(on.headline, 'sandboxed (bubblewrap)');
    assert.deepEqual(on.sections.find((x) => x.title === 'Limits')?.lines.slice(0, 2), ['processes ≤ 512', 'memory ≤ 8192 MB']);
    const off = stateView({
      hasWorkspace: true, stack: undefined,
      lane: lane({ sandbox: { state: 'off', reason: 'sandbox turned off by workspace policy (.agentlane/policy.yaml:7)' } }),
    }).session!.sandbox;
    assert.equal(off.state, 'off');
    assert.equal(off.headline, 'NOT sandboxed: sandbox turned off by workspace policy (.agentlane/policy.yaml:7)');
  });

  it('levels the budget: ok, warn at 80 %, exceeded at 100 %, unknown with its reason', () => {
    assert.equal(budgetView(snapshot(3, 20))?.level, 'ok');
    assert.equal(budgetView(snapshot(16, 20))?.level, 'warn');
    assert.equal(budgetView(snapshot(20, 20))?.level, 'exceeded');
    const unknown = budgetView(snapshot(3, 20, 'model `x` has no price'));
    assert.equal(unknown?.level, 'unknown');
    assert.equal(unknown?.unknown, 'model `x` has no price');
    assert.equal(budgetView(snapshot(16, 20))?.ratio, 0.8);
    assert.equal(budgetView(undefined), undefined);
  });

  it('names the deciding rule of a decision and clips runaway summaries', () => {
    const v = decisionView({ seq: 1, ts: 't', toolUseId: 'u', tool: 'Bash', summary: 'x'.repeat(5000), paths: [], decision: 'ask', reasons: approval.reasons });
    assert.deepEqual(v.rule, { rule: 'commands.ask[0]', layer: 'workspace', message: 'publishing needs approval', file: '/ws/.agentlane/policy.yaml', line: 9 });
    assert.ok(v.summary.length <= 400);
  });

  it('shows the session, its frozen reason and approvals; an ended session keeps its header but no approvals', () => {
    const running = stateView({ hasWorkspace: true, stack: undefined, lane: lane({ state: 'frozen', approvals: [approval] }), title: 'demo' });
    assert.equal(running.session?.state, 'frozen');
    assert.equal(running.session?.frozenBecause, 'kill switch: frozen by Ada');
    assert.equal(running.session?.supervisor, 'Ada <ada@example.com>');
    assert.equal(running.session?.mode, 'ship');
    assert.deepEqual(running.approvals.map((a) => [a.id, a.rules[0]?.line]), [['ap-0123456789ab', 9]]);
    const ended = stateView({ hasWorkspace: true, stack: undefined, lane: lane({ state: 'ended', approvals: [approval] }), title: 'demo', endedBecause: 'terminal closed' });
    assert.equal(ended.session?.endedBecause, 'terminal closed');
    assert.deepEqual(ended.approvals, []);
    assert.equal(stateView({ hasWorkspace: false, stack: undefined }).session, null);
  });
});
