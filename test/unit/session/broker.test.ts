import { strict as assert } from 'node:assert';
import { session, call, nextApproval } from './brokerBuilder';
import { EXAMPLE_POLICY, ROOT } from '../policy/builders';
import type { TraceSink } from '../../../src/core/session/broker';
import { TraceWriteError } from '../../../src/core/trace/errors';

const ASKING = 'version: 1\nmode: build\npaths:\n  protect: [".github/**"]\nshell:\n  ask: ["git commit*"]\n';
const ada = 'Ada Lovelace <ada@example.com>';

describe('broker: decisions', () => {
  it('writes the decision to the trace before it answers, naming the rule', async () => {
    const s = await session(EXAMPLE_POLICY);
    const answer = await s.broker.preToolUse(call('Read', { file_path: `${ROOT}/.env` }));
    assert.equal(answer.decision, 'deny');
    assert.match(answer.reason, /^Agent Lane: reading `\.env` is denied by `\*\*\/\.env\*` \(workspace paths\.deny\[0\], .*:4\)$/);
    const last = s.events().at(-1)!;
    assert.equal(last.event, 'tool.decision');
    assert.equal(last.event === 'tool.decision' && last.decision, 'deny');
    assert.equal(last.event === 'tool.decision' && last.rules[0].rule, 'paths.deny[0]');
  });

  it('stores commands redacted plus a hash, never the secret', async () => {
    const s = await session(EXAMPLE_POLICY);
    await s.broker.preToolUse(call('Bash', { command: 'curl -H "Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789" https://registry.npmjs.org/' }));
    const text = JSON.stringify(s.events());
    assert.ok(!text.includes('ghp_abcdefghijklmnopqrstuvwxyz0123456789'));
    const d = s.events().find((e) => e.event === 'tool.decision');
    assert.ok(d && d.event === 'tool.decision' && d.cmd_hash && /^[0-9a-f]{64}$/.test(d.cmd_hash));
  });

  it('denies with a reason when the trace cannot be written (fail closed)', async () => {
    const failing: TraceSink = {
      append: async (input) => {
        if (input.event === 'session.start') return { ...input, seq: 0 } as never;
        throw new TraceWriteError('no-space', 'disk full', '/x');
      },
      checkpoint: () => ({ session_id: 's-1', seq: 0, head: '0'.repeat(64) }),
      close: async () => undefined,
    };
    const s = await session(EXAMPLE_POLICY, { trace: failing });
    const answer = await s.broker.preToolUse(call('Write', { file_path: `${ROOT}/src/a.ts`, content: '' }));
    assert.equal(answer.decision, 'deny');
    assert.match(answer.reason, /trace could not be written/);
    assert.equal(s.broker.state, 'frozen');
  });

  it('denies everything once the session has ended', async () => {
    const s = await session(EXAMPLE_POLICY);
    await s.broker.end('test over', 0);
    const answer = await s.broker.preToolUse(call('Read', { file_path: `${ROOT}/src/a.ts` }));
    assert.equal(answer.decision, 'deny');
    assert.match(answer.reason, /has ended/);
    assert.equal(s.events().at(-1)!.event, 'session.end');
  });

  it('keeps subagent ids on decisions', async () => {
    const s = await session(EXAMPLE_POLICY);
    await s.broker.preToolUse(call('Read', { file_path: `${ROOT}/src/a.ts` }, 'agent-7'));
    const d = s.events().at(-1)!;
    assert.equal(d.event === 'tool.decision' && d.agent_id, 'agent-7');
    assert.equal(d.actor, 'agent-7');
  });
});

describe('broker: approvals', () => {
  it('holds an ask for a human: allow once allows this call only', async () => {
    const s = await session(ASKING);
    const first = s.broker.preToolUse(call('Write', { file_path: `${ROOT}/.github/ci.yml`, content: 'a' }));
    const id = await nextApproval(s.broker);
    assert.equal(s.broker.pendingApprovals[0].reasons[0].rule, 'paths.protect[0]');
    s.broker.answerApproval(id, { kind: 'allow-once', by: ada });
    assert.equal((await first).decision, 'allow');
    const again = s.broker.preToolUse(call('Write', { file_path: `${ROOT}/.github/ci.yml`, content: 'a' }));
    const id2 = await nextApproval(s.broker);
    s.broker.answerApproval(id2, { kind: 'deny', by: ada, reason: 'not today' });
    const denied = await again;
    assert.equal(denied.decision, 'deny');
    assert.match(denied.reason, /denied by Ada Lovelace <ada@example\.com>: not today/);
    const kinds = s.events().map((e) => e.event);
    assert.deepEqual(kinds.filter((k) => k.startsWith('approval')), ['approval.requested', 'approval.answered', 'approval.requested', 'approval.answered']);
  });

  it('allow for session covers the exact same action, not a different one', async () => {
    const s = await session(ASKING);
    const input = { command: 'git commit -m "one"' };
    const first = s.broker.preToolUse(call('Bash', input));
    s.broker.answerApproval(await nextApproval(s.broker), { kind: 'allow-session', by: ada });
    assert.equal((await first).decision, 'allow');
    const same = await s.broker.preToolUse(call('Bash', input));
    assert.equal(same.decision, 'allow');
    assert.equal(same.reasons[0].rule, 'session.allow-session');
    const other = s.broker.preToolUse(call('Bash', { command: 'git commit -m "two"' }));
    const askedAgain = await nextApproval(s.broker);
    assert.deepEqual(s.broker.pendingApprovals.map((a) => a.id), [askedAgain], 'a different command waits for a human again');
    s.broker.answerApproval(askedAgain, { kind: 'deny', by: ada, reason: 'no' });
    assert.equal((await other).decision, 'deny');
  });

  it('a timeout denies and says nobody answered', async () => {
    const s = await session(ASKING, { approvalTimeoutMs: 20 });
    const answer = await s.broker.preToolUse(call('Write', { file_path: `${ROOT}/.github/x`, content: '' }));
    assert.equal(answer.decision, 'deny');
    assert.match(answer.reason, /no supervisor answered within/);
    assert.doesNotMatch(answer.reason, /denied by system/);
  });

  it('refuses an answer for an approval that is not pending', async () => {
    const s = await session(ASKING);
    assert.throws(() => s.broker.answerApproval('ap-nope', { kind: 'allow-once', by: ada }), /is not pending/);
  });
});

describe('broker: kill switch, limits, budget', () => {
  it('frozen: writes, commands and network denied, reads allowed, waiting approvals denied', async () => {
    const s = await session(ASKING);
    const waiting = s.broker.preToolUse(call('Write', { file_path: `${ROOT}/.github/x`, content: '' }));
    await nextApproval(s.broker);
    await s.broker.freeze(ada, 'kill switch');
    assert.equal((await waiting).decision, 'deny');
    assert.equal((await s.broker.preToolUse(call('Read', { file_path: `${ROOT}/src/a.ts` }))).decision, 'allow');
    for (const c of [call('Write', { file_path: `${ROOT}/src/a.ts`, content: '' }), call('Bash', { command: 'ls' }), call('WebFetch', { url: 'https://x.org', prompt: '' })]) {
      const a = await s.broker.preToolUse(c);
      assert.equal(a.decision, 'deny', c.tool);
      assert.match(a.reason, /session is frozen: kill switch/);
    }
    assert.ok(s.events().some((e) => e.event === 'session.freeze'));
  });

  it('crossing the tool-call limit freezes with the rule and its line', async () => {
    const s = await session('version: 1\nlimits:\n  toolCalls: 2\n');
    for (let i = 0; i < 2; i++) assert.equal((await s.broker.preToolUse(call('Bash', { command: 'ls' }))).decision, 'allow');
    const third = await s.broker.preToolUse(call('Bash', { command: 'ls' }));
    assert.equal(third.decision, 'deny');
    const freeze = s.events().find((e) => e.event === 'session.freeze');
    assert.ok(freeze && freeze.event === 'session.freeze');
    assert.equal(freeze.reason, 'tool-call limit reached: 2 of 2 (policy limits.toolCalls, line 3)');
  });

  it('an exceeded budget freezes the session; an unknown budget freezes unless told to warn', async () => {
    const s = await session(EXAMPLE_POLICY, { budget: { status: () => ({ state: 'exceeded', reason: 'budget exceeded: $20.00 of $20.00 (policy budget.usd, line 21)' }) } });
    const a = await s.broker.preToolUse(call('Bash', { command: 'ls' }));
    assert.equal(a.decision, 'deny');
    assert.match(a.reason, /budget exceeded: \$20\.00 of \$20\.00 \(policy budget\.usd, line 21\)/);
    const u = await session(EXAMPLE_POLICY, { budget: { status: () => ({ state: 'unknown', reason: 'transcript unreadable', freezeOnUnknown: false }) } });
    assert.equal((await u.broker.preToolUse(call('Bash', { command: 'ls' }))).decision, 'allow');
  });
});

describe('broker: commit acknowledgement', () => {
  it('pins the ack to the staged tree and records it', async () => {
    const s = await session(EXAMPLE_POLICY);
    const tree = 'a'.repeat(40);
    const pending = s.broker.requestCommitAck({ tree, diffHash: 'b'.repeat(64), files: [{ path: 'src/a.ts', status: 'M' }], message: null });
    const id = await nextApproval(s.broker);
    assert.equal(s.broker.pendingApprovals[0].kind, 'commit');
    s.broker.answerApproval(id, { kind: 'allow-once', by: ada, note: 'looks right' });
    const r = await pending;
    assert.deepEqual(r, { ok: true, ackId: id, by: ada });
    assert.deepEqual(s.broker.ackFor(tree), { ackId: id, by: ada });
    const ack = s.events().find((e) => e.event === 'commit.ack');
    assert.ok(ack && ack.event === 'commit.ack' && ack.tree === tree && ack.note === 'looks right' && ack.ack_by === ada);
  });

  it('request changes fails the commit with the reason', async () => {
    const s = await session(EXAMPLE_POLICY);
    const pending = s.broker.requestCommitAck({ tree: 'c'.repeat(40), diffHash: 'd'.repeat(64), files: [], message: null });
    s.broker.answerApproval(await nextApproval(s.broker), { kind: 'deny', by: ada, reason: 'add a test' });
    assert.deepEqual(await pending, { ok: false, reason: `changes requested by ${ada}: add a test` });
  });
});
