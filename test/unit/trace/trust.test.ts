import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceEventSchema, type TraceEventInput } from '../../../src/core/trace/schema';
import { vouchedBy } from '../../../src/core/trace/trust';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import { TraceWriter } from '../../../src/core/trace/writer';
import { startEvent } from './builders';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'trace');

describe('trace trust labels', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'agentlane-trust-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function written(inputs: TraceEventInput[]): Promise<Array<Record<string, unknown>>> {
    const file = path.join(dir, 't.trace.jsonl');
    const w = await TraceWriter.open(file, { sessionId: 'S-trust', durability: 'none' });
    for (const i of [startEvent(), ...inputs]) await w.append(i);
    await w.close();
    assert.ok((await verifyTraceFile(file, { schema: 'all' })).ok);
    return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('marks what only the agent vouches for, whatever the caller passes', async () => {
    const events = await written([
      { event: 'tool.result', actor: 'agent', tool_use_id: 't1', exit_code: 0, ok: true },
      // A caller (or a forged hook route) trying to pass a claim off as host evidence.
      { event: 'commit.recorded', actor: 'system', commit_sha: '9fceb02d0ae598e95dc970b74767f19372d61af8', tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', ack_id: null, reported_by: 'host' } as TraceEventInput,
      { event: 'prompt.submitted', actor: 'supervisor', prompt_hash: 'cd'.repeat(32) },
      { event: 'budget.usage', actor: 'system', usage: { input: 1, output: 1, cache_write: 0, cache_read: 0 }, cost_usd: 0.01, source: 'statusline' },
      { event: 'budget.usage', actor: 'system', usage: { input: 1, output: 1, cache_write: 0, cache_read: 0 }, cost_usd: 0.01, source: 'gateway' },
      { event: 'hook.refused', actor: 'system', route: '/hooks/pre-tool-use', reason: 'request body over 1 MiB', status: 413, size: 2_000_000 },
    ]);
    assert.deepEqual(events.map((e) => [e.event, e.reported_by ?? 'host']), [
      ['session.start', 'host'], ['tool.result', 'agent'], ['commit.recorded', 'agent'], ['prompt.submitted', 'agent'],
      ['budget.usage', 'agent'], ['budget.usage', 'host'], ['hook.refused', 'host'],
    ]);
    assert.ok(events.every((e) => e.schema === 'agentlane.trace/2'));
  });

  it('reads a /1 trace (no labels) with the same trust as a /2 one', () => {
    const v1 = readFileSync(path.join(FIXTURES, 'good.trace.jsonl'), 'utf8').trim().split('\n').map((l) => TraceEventSchema.parse(JSON.parse(l)));
    const v2 = readFileSync(path.join(FIXTURES, 'v2-good.trace.jsonl'), 'utf8').trim().split('\n').map((l) => TraceEventSchema.parse(JSON.parse(l)));
    assert.ok(v1.every((e) => e.reported_by === undefined));
    assert.equal(vouchedBy(v1.find((e) => e.event === 'commit.recorded')!), 'agent');
    for (const e of v2) assert.equal(e.reported_by === 'agent', vouchedBy(e) === 'agent', `${e.event} label`);
  });

  it('treats a budget figure of unknown origin as a claim', () => {
    assert.equal(vouchedBy({ event: 'budget.usage', source: 'some-new-meter' }), 'agent');
    assert.equal(vouchedBy({ event: 'commit.observed' }), 'host');
  });
});

describe('trace trust corpus (test/fixtures/trace-trust)', () => {
  const corpus = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'trace-trust', 'corpus.json'), 'utf8')) as {
    envelope: Record<string, unknown>;
    cases: Array<{ name: string; expect: 'accept' | 'reject'; event: Record<string, unknown> }>;
  };
  for (const c of corpus.cases) {
    it(`${c.expect}s ${c.name}`, () => {
      const r = TraceEventSchema.safeParse({ ...corpus.envelope, ...c.event });
      assert.equal(r.success, c.expect === 'accept', r.success ? 'accepted' : JSON.stringify(r.error.issues[0]));
    });
  }
});
