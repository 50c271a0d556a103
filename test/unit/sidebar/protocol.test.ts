/**
 * The sidebar page is a browser page: whatever it sends, the host must only do what a valid,
 * current message asks. Hostile messages are rejected, logged, and never reach the session.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { allowedRuleFile, dispatch } from '../../../src/vscode/sidebar/dispatch';
import { PageMessage } from '../../../src/vscode/webview/protocol/sidebar';
import { fakeHost } from './fakeHost';

const POLICY = path.resolve('/ws/.agentlane/policy.yaml');
const MANAGED = path.resolve('/etc/agentlane/policy.yaml');
const TOOL = { id: 'ap-0123456789ab', kind: 'tool' as const };
const COMMIT = { id: 'ap-aaaaaaaaaaaa', kind: 'commit' as const };

async function rejected(raw: unknown, opts: Parameters<typeof fakeHost>[0] = {}): Promise<ReturnType<typeof fakeHost>> {
  const host = fakeHost({ pending: [TOOL, COMMIT], ruleFiles: [POLICY, MANAGED], ...opts });
  const r = await dispatch(raw, host);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(raw)?.slice(0, 120)}`);
  assert.deepEqual(host.effects(), [], 'a rejected message must not touch the session or the editor');
  assert.ok(host.logs.length > 0, 'a rejected message is logged, not swallowed');
  return host;
}

describe('sidebar protocol: the host rejects hostile page messages', () => {
  const hostile: Array<[string, unknown]> = [
    ['not an object', 'ready'],
    ['null', null],
    ['an array', [{ type: 'ready' }]],
    ['no type', { approvalId: TOOL.id }],
    ['an unknown type', { type: 'runShell', command: 'rm -rf /' }],
    ['a type of the wrong case', { type: 'Freeze' }],
    ['a type that is not a string', { type: 42 }],
    ['extra fields on a bare message', { type: 'freeze', confirmed: true }],
    ['extra fields on an answer', { type: 'answerApproval', approvalId: TOOL.id, answer: 'allow-once', by: 'mallory' }],
    ['an unknown answer', { type: 'answerApproval', approvalId: TOOL.id, answer: 'allow-forever' }],
    ['an approval id that is not one', { type: 'answerApproval', approvalId: '../../etc/passwd', answer: 'allow-once' }],
    ['a huge approval id', { type: 'answerApproval', approvalId: `ap-${'a'.repeat(100_000)}`, answer: 'allow-once' }],
    ['a deny without a reason', { type: 'answerApproval', approvalId: TOOL.id, answer: 'deny' }],
    ['a deny with a blank reason', { type: 'answerApproval', approvalId: TOOL.id, answer: 'deny', reason: '   ' }],
    ['a huge deny reason', { type: 'answerApproval', approvalId: TOOL.id, answer: 'deny', reason: 'x'.repeat(1_000_000) }],
    ['a reason of the wrong type', { type: 'answerApproval', approvalId: TOOL.id, answer: 'deny', reason: { toString: 'no' } }],
    ['a budget raise as a string', { type: 'raiseBudget', usd: '100' }],
    ['a negative raise', { type: 'raiseBudget', usd: -5 }],
    ['an infinite raise', { type: 'raiseBudget', usd: Number.POSITIVE_INFINITY }],
    ['a NaN raise', { type: 'raiseBudget', usd: Number.NaN }],
    ['an absurd raise', { type: 'raiseBudget', usd: 1e12 }],
    ['a rule line of the wrong type', { type: 'openRule', file: POLICY, line: '12' }],
    ['a fractional rule line', { type: 'openRule', file: POLICY, line: 1.5 }],
    ['a zero rule line', { type: 'openRule', file: POLICY, line: 0 }],
    ['a huge rule path', { type: 'openRule', file: `/${'a'.repeat(10_000)}`, line: 1 }],
    ['a filter missing a verdict', { type: 'setFilter', filter: { allow: true, ask: true, text: '' } }],
    ['a huge filter text', { type: 'setFilter', filter: { allow: true, ask: true, deny: true, text: 'x'.repeat(10_000) } }],
    ['a filter with extra keys', { type: 'setFilter', filter: { allow: true, ask: true, deny: true, text: '', regex: '(a+)+$' } }],
  ];
  for (const [what, raw] of hostile) {
    it(`rejects ${what}`, async () => {
      await rejected(raw);
    });
  }

  it('rejects prototype-pollution keys and leaves Object.prototype alone', async () => {
    for (const text of [
      '{"type":"ready","__proto__":{"polluted":true}}',
      '{"type":"freeze","constructor":{"prototype":{"polluted":true}}}',
      '{"type":"setFilter","filter":{"allow":true,"ask":true,"deny":true,"text":"","__proto__":{"polluted":true}}}',
      '{"type":"answerApproval","approvalId":"ap-0123456789ab","answer":"allow-once","prototype":{}}',
    ]) {
      await rejected(JSON.parse(text));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('does not answer an approval that is not pending, and tells the page', async () => {
    const host = await rejected({ type: 'answerApproval', approvalId: 'ap-ffffffffffff', answer: 'allow-once' });
    assert.deepEqual(host.posted.map((m) => m.type), ['toast']);
  });

  it('does not answer anything when no session runs', async () => {
    await rejected({ type: 'answerApproval', approvalId: TOOL.id, answer: 'allow-once' }, { session: false });
  });

  it('does not allow a commit for the whole session', async () => {
    await rejected({ type: 'answerApproval', approvalId: COMMIT.id, answer: 'allow-session' });
  });

  it('does not open a commit review for a tool approval or an unknown id', async () => {
    await rejected({ type: 'reviewCommit', approvalId: TOOL.id });
    await rejected({ type: 'reviewCommit', approvalId: 'ap-ffffffffffff' });
  });

  it('opens only the policy files in force', async () => {
    for (const file of ['/etc/passwd', '/ws/.agentlane/../.agentlane/../secrets/.env', 'policy.yaml', '.agentlane/policy.yaml', `${POLICY}\0.txt`, `${POLICY}/`.replace(/\/$/, '.bak')]) {
      await rejected({ type: 'openRule', file, line: 3 });
    }
  });

  it('refuses a raise that does not go above the cap or the spend', async () => {
    await rejected({ type: 'raiseBudget', usd: 20 }, { budget: { cap: 20, spent: 3 } });
    await rejected({ type: 'raiseBudget', usd: 25 }, { budget: { cap: 20, spent: 30 } });
    await rejected({ type: 'raiseBudget', usd: 10 }, { session: false });
  });

  it('refuses session controls when no session runs', async () => {
    for (const type of ['freeze', 'unfreeze', 'stop']) await rejected({ type }, { session: false });
  });

  it('reports an answer the broker refuses (answered elsewhere meanwhile) as a toast', async () => {
    const host = fakeHost({ pending: [TOOL], answerThrows: { reason: 'approval ap-0123456789ab is not pending' } });
    const r = await dispatch({ type: 'answerApproval', approvalId: TOOL.id, answer: 'allow-once' }, host);
    assert.equal(r.ok, false);
    assert.deepEqual(host.posted, [{ type: 'toast', level: 'error', message: 'approval ap-0123456789ab is not pending' }]);
  });
});

describe('sidebar protocol: valid messages do what they say', () => {
  it('answers a pending approval with the choice and a trimmed reason', async () => {
    const host = fakeHost({ pending: [TOOL] });
    assert.deepEqual(await dispatch({ type: 'answerApproval', approvalId: TOOL.id, answer: 'deny', reason: '  use the test db  ' }, host), { ok: true, type: 'answerApproval' });
    assert.deepEqual(host.calls.filter((c) => c.method === 'answerApproval').map((c) => c.args), [[TOOL.id, 'deny', 'use the test db']]);
  });

  it('drops a reason on allow answers', async () => {
    const host = fakeHost({ pending: [TOOL] });
    await dispatch({ type: 'answerApproval', approvalId: TOOL.id, answer: 'allow-session', reason: 'fine' }, host);
    assert.deepEqual(host.calls.find((c) => c.method === 'answerApproval')?.args, [TOOL.id, 'allow-session', undefined]);
  });

  it('acknowledges a commit once and opens its review', async () => {
    const host = fakeHost({ pending: [COMMIT] });
    await dispatch({ type: 'reviewCommit', approvalId: COMMIT.id }, host);
    await dispatch({ type: 'answerApproval', approvalId: COMMIT.id, answer: 'allow-once' }, host);
    assert.deepEqual(host.effects(), ['reviewCommit', 'answerApproval']);
  });

  it('opens a policy file in force at the line asked', async () => {
    const host = fakeHost({ ruleFiles: [POLICY] });
    await dispatch({ type: 'openRule', file: POLICY, line: 12 }, host);
    assert.deepEqual(host.calls.find((c) => c.method === 'openFile')?.args, [POLICY, 12]);
  });

  it('answers ready with a snapshot and passes the simple commands through', async () => {
    const host = fakeHost();
    for (const type of ['ready', 'startSession', 'freeze', 'unfreeze', 'stop', 'createPolicy', 'newMission']) {
      assert.equal((await dispatch({ type }, host)).ok, true, type);
    }
    await dispatch({ type: 'raiseBudget', usd: 50 }, host);
    await dispatch({ type: 'setFilter', filter: { allow: false, ask: true, deny: true, text: 'npm' } }, host);
    assert.deepEqual(host.effects(), ['sendSnapshot', 'startSession', 'freeze', 'unfreeze', 'stop', 'createPolicy', 'newMission', 'raiseBudget', 'setFilter']);
    assert.deepEqual(host.logs, []);
  });

  it('every message type the schema knows is one the dispatcher handles', () => {
    const types = PageMessage.options.map((o) => o.shape.type.value).sort();
    assert.deepEqual(types, ['answerApproval', 'createPolicy', 'freeze', 'newMission', 'openRule', 'raiseBudget', 'ready', 'reviewCommit', 'setFilter', 'startSession', 'stop', 'unfreeze']);
  });
});

describe('allowedRuleFile', () => {
  it('matches after normalisation and returns the allowed spelling', () => {
    assert.equal(allowedRuleFile('/ws/./.agentlane/x/../policy.yaml', [POLICY]), POLICY);
    assert.equal(allowedRuleFile('/ws/.agentlane/policy.yml', [POLICY]), undefined);
    assert.equal(allowedRuleFile('relative/policy.yaml', [path.resolve('relative/policy.yaml')]), undefined);
  });
});
