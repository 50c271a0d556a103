import { strict as assert } from 'node:assert';
import { sessionGate } from '../../../src/core/session/gate';
import type { SessionStatus } from '../../../src/core/session/types';
import type { Decision } from '../../../src/core/policy/types';

const frozen: SessionStatus = { state: 'frozen', cause: 'supervisor', by: 'Ada', reason: 'kill switch: frozen by Ada' };
const ended: SessionStatus = { state: 'ended', reason: 'agent exited' };

/** status, policy decision, read-only, after approval → final decision and the session rule (or the policy's). */
const TABLE: Array<[SessionStatus, Decision, boolean, boolean, Decision, string | undefined]> = [
  [{ state: 'running' }, 'allow', false, false, 'allow', undefined],
  [{ state: 'running' }, 'ask', false, false, 'ask', undefined],
  [{ state: 'running' }, 'deny', true, false, 'deny', undefined],
  [{ state: 'starting' }, 'allow', true, false, 'deny', 'session.starting'],
  [ended, 'allow', true, false, 'deny', 'session.ended'],
  [ended, 'allow', false, true, 'deny', 'session.ended'],
  [frozen, 'allow', true, false, 'allow', undefined],
  [frozen, 'ask', true, false, 'ask', undefined],
  [frozen, 'deny', true, false, 'deny', undefined],
  [frozen, 'allow', false, false, 'deny', 'session.frozen'],
  [frozen, 'ask', false, false, 'deny', 'session.frozen'],
  [frozen, 'deny', false, false, 'deny', 'session.frozen'],
  [frozen, 'allow', false, true, 'deny', 'session.frozen'],
  [frozen, 'allow', true, true, 'allow', undefined],
];

describe('session gate: what the session\'s status does to the policy\'s decision', () => {
  for (const [status, decision, readOnly, afterApproval, want, rule] of TABLE) {
    it(`${status.state}, ${decision}, ${readOnly ? 'read' : 'write'}${afterApproval ? ', after approval' : ''} → ${want}${rule ? ` (${rule})` : ''}`, () => {
      const g = sessionGate({ status, decision, readOnly, afterApproval });
      assert.equal(g?.decision ?? decision, want);
      assert.equal(g?.reason.rule, rule);
    });
  }

  it('says why, with the freeze reason, before and after an approval', () => {
    assert.match(sessionGate({ status: frozen, decision: 'allow', readOnly: false })!.reason.message, /session is frozen: kill switch: frozen by Ada; only reads are allowed/);
    assert.match(sessionGate({ status: frozen, decision: 'allow', readOnly: false, afterApproval: true })!.reason.message, /frozen since the approval was requested/);
  });
});
