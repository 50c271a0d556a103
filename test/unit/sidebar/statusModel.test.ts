/** What the status bar says and how loud it is, for the states a supervisor meets. */
import { strict as assert } from 'node:assert';
import { statusModel } from '../../../src/vscode/sidebar/statusModel';
import { budget, session, state } from './builders';

describe('status bar model', () => {
  it('shows mode · spend / cap for a running session', () => {
    const m = statusModel(state({ session: session() }));
    assert.equal(m.text, '$(shield) build · $3.10 / $20.00');
    assert.equal(m.background, undefined);
    for (const part of ['120,000', '12.5 of 60', '42 of 500', 'cost source | both', 'agree']) assert.ok(m.tooltip.includes(part), `tooltip lacks ${part}`);
  });

  it('warns at 80 % and errs at 100 % of the budget', () => {
    assert.equal(statusModel(state({ session: session({ budget: budget({ usd: 16, ratio: 0.8, level: 'warn' }) }) })).background, 'warning');
    assert.equal(statusModel(state({ session: session({ budget: budget({ usd: 20, ratio: 1, level: 'exceeded' }) }) })).background, 'error');
    assert.equal(statusModel(state({ session: session({ budget: budget({ usd: 15.9, ratio: 0.795 }) }) })).background, undefined);
  });

  it('errs when frozen, and says so', () => {
    const m = statusModel(state({ session: session({ state: 'frozen', frozenBecause: 'kill switch: frozen by Ada' }) }));
    assert.equal(m.background, 'error');
    assert.ok(m.text.includes('frozen'));
    assert.ok(m.tooltip.includes('kill switch: frozen by Ada'));
  });

  it('warns when the spend is unknown, with the reason', () => {
    const m = statusModel(state({ session: session({ budget: budget({ level: 'unknown', unknown: 'model `x` has no price', usd: 0, ratio: 0 }) }) }));
    assert.equal(m.background, 'warning');
    assert.ok(m.text.startsWith('$(warning)'));
    assert.ok(m.tooltip.includes('has no price'));
  });

  it('counts waiting approvals', () => {
    const m = statusModel(state({ session: session(), approvals: [{ id: 'ap-1', kind: 'tool', tool: 'Bash', summary: 'npm publish', requestedAt: '', rules: [] }] }));
    assert.ok(m.text.endsWith('$(bell-dot) 1'));
  });

  it('shows the policy mode without a session, and an invalid policy loudly', () => {
    assert.equal(statusModel(state()).text, '$(shield) Agent Lane · build');
    const bad = statusModel(state({ policy: { present: true, problems: 2, firstProblem: 'unknown key `pathz`' } }));
    assert.equal(bad.text, '$(error) policy invalid');
    assert.equal(bad.background, 'error');
    assert.equal(statusModel(state({ session: session({ state: 'ended' }) })).text, '$(shield) Agent Lane · build');
  });

  it('keeps session text from turning into markdown in the tooltip', () => {
    const m = statusModel(state({ session: session({ title: '[click](command:evil) **x**' }) }));
    assert.ok(!m.tooltip.includes('[click](command:evil)'));
  });
});
