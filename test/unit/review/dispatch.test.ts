import { strict as assert } from 'node:assert';
import { dispatchReviewMessage, type DispatchContext } from '../../../src/vscode/review/dispatch';

const ID = 'ap-0123456789ab';
const ctx = (over: Partial<DispatchContext> = {}): DispatchContext => ({
  approvalId: ID, pendingCommitIds: new Set([ID]), canAcknowledge: true, supervisor: 'Ada <ada@example.com>', ...over,
});

describe('review panel: page → host messages', () => {
  it('turns an acknowledgement into allow-once by the supervisor, with the note trimmed', () => {
    assert.deepEqual(dispatchReviewMessage({ type: 'acknowledge', approvalId: ID, note: '  looks good ' }, ctx()), {
      kind: 'answer', approvalId: ID, answer: { kind: 'allow-once', by: 'Ada <ada@example.com>', note: 'looks good' },
    });
    assert.deepEqual(dispatchReviewMessage({ type: 'acknowledge', approvalId: ID }, ctx()), {
      kind: 'answer', approvalId: ID, answer: { kind: 'allow-once', by: 'Ada <ada@example.com>' },
    });
  });

  it('turns a change request into a deny with the reason for the agent', () => {
    assert.deepEqual(dispatchReviewMessage({ type: 'requestChanges', approvalId: ID, reason: ' add a test ' }, ctx()), {
      kind: 'answer', approvalId: ID, answer: { kind: 'deny', by: 'Ada <ada@example.com>', reason: 'add a test' },
    });
  });

  const hostile: Array<[string, unknown]> = [
    ['not an object', 'acknowledge'],
    ['null', null],
    ['an array', [{ type: 'acknowledge', approvalId: ID }]],
    ['an unknown type', { type: 'answerApproval', approvalId: ID, answer: 'allow-session' }],
    ['extra keys', { type: 'acknowledge', approvalId: ID, by: 'Mallory' }],
    ['a forged answer kind', { type: 'acknowledge', approvalId: ID, kind: 'allow-session' }],
    ['a malformed approval id', { type: 'acknowledge', approvalId: '../../etc/passwd' }],
    ['a missing approval id', { type: 'acknowledge' }],
    ['an oversized note', { type: 'acknowledge', approvalId: ID, note: 'x'.repeat(2001) }],
    ['a non-string note', { type: 'acknowledge', approvalId: ID, note: { toString: 'x' } }],
    ['an empty reason', { type: 'requestChanges', approvalId: ID, reason: '   ' }],
    ['a missing reason', { type: 'requestChanges', approvalId: ID }],
    ['a prototype key', JSON.parse(`{"type":"acknowledge","approvalId":"${ID}","__proto__":{"admin":true}}`)],
  ];
  for (const [what, raw] of hostile) {
    it(`rejects ${what}`, () => {
      assert.equal(dispatchReviewMessage(raw, ctx()).kind, 'rejected');
    });
  }

  it('rejects an answer for an approval this panel does not show', () => {
    const other = 'ap-ffffffffffff';
    const r = dispatchReviewMessage({ type: 'acknowledge', approvalId: other }, ctx({ pendingCommitIds: new Set([ID, other]) }));
    assert.equal(r.kind, 'rejected');
  });

  it('rejects an answer for an approval that is no longer pending', () => {
    const r = dispatchReviewMessage({ type: 'requestChanges', approvalId: ID, reason: 'x' }, ctx({ pendingCommitIds: new Set() }));
    assert.deepEqual(r, { kind: 'rejected', reason: `approval \`${ID}\` is not a pending commit acknowledgement` });
  });

  it('rejects an acknowledgement while the index differs from the approval, but still lets changes be requested', () => {
    assert.equal(dispatchReviewMessage({ type: 'acknowledge', approvalId: ID }, ctx({ canAcknowledge: false })).kind, 'rejected');
    assert.equal(dispatchReviewMessage({ type: 'requestChanges', approvalId: ID, reason: 'restage' }, ctx({ canAcknowledge: false })).kind, 'answer');
  });

  it('accepts ready and refresh', () => {
    assert.deepEqual(dispatchReviewMessage({ type: 'ready' }, ctx()), { kind: 'ready' });
    assert.deepEqual(dispatchReviewMessage({ type: 'refresh' }, ctx()), { kind: 'refresh' });
  });
});
