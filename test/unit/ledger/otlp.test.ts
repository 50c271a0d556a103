import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerError } from '../../../src/core/ledger/errors';
import { openSink } from '../../../src/core/ledger/openSink';
import { OTLP_ATTRIBUTES, otlpAttributesOf, otlpSeverityOf } from '../../../src/core/ledger/otlpAttributes';
import { LedgerSync } from '../../../src/core/ledger/sync';
import { TraceEventSchema, type TraceEventInput } from '../../../src/core/trace/schema';
import { appendTrace, buildSession, denyFetch, instantClock, startEvent, writeTrace } from './builders';
import { startOtlpReceiver, type OtlpReceiver } from './otlpReceiver';

const inputs: TraceEventInput[] = [
  { ...startEvent(), mission_id: 'M-7' },
  denyFetch(1),
  { event: 'approval.requested', actor: 'system', approval_id: 'A-1', tool_use_id: 'toolu_2', reason: 'ship mode: `deploy/**` is gated' },
  { event: 'approval.answered', actor: 'supervisor', approval_id: 'A-1', answer: 'allow-once', by: 'ana@example.com', reason: null },
  {
    event: 'tool.decision', actor: 'agent', tool_use_id: 'toolu_3', tool: 'Bash', action: 'shell.exec', actions: [{ kind: 'shell.exec', count: 1 }],
    cmd_hash: 'ab'.repeat(32), cmd_redacted: 'npm test', paths: [], hosts: [], decision: 'allow',
    rules: [{ decision: 'allow', rule: 'shell.allow[0]', layer: 'workspace', message: 'tests are fine' }], policy_hash: 'c1'.repeat(32), model_id: null,
  },
  { event: 'session.freeze', actor: 'supervisor', by: 'ana@example.com', reason: 'kill switch' },
];

describe('ledger: OTLP/HTTP logs sink', function () {
  this.timeout(30_000);
  let tmp: string;
  let traceDir: string;
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentlane-ledger-otlp-'));
    traceDir = path.join(tmp, 'traces');
    mkdirSync(traceDir);
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('sends one record per event with the stable SIEM attributes, WARN for denies and freezes, the raw line as body', async () => {
    const lines = buildSession('S-o', inputs);
    const trace = path.join(traceDir, 'S-o.trace.jsonl');
    writeTrace(trace, lines);
    const sink = openSink(`otlp+${receiver.url}`);
    const res = await new LedgerSync({ sink, stateDir: path.join(tmp, 'state') }).syncOnce(trace);
    await sink.close();
    assert.equal(res.sent, 6);
    assert.ok(receiver.contentTypes.every((c) => c.startsWith('application/json')));
    const recs = receiver.records;
    assert.equal(recs.length, 6);
    assert.deepEqual(recs.map((r) => r.body), lines, 'body = the exact trace line');
    assert.deepEqual(recs.map((r) => r.severityText), ['INFO', 'WARN', 'INFO', 'INFO', 'INFO', 'WARN']);
    assert.equal(recs[0]!.resource['service.name'], 'agentlane');
    const A = OTLP_ATTRIBUTES;
    const hashes = lines.map((l) => (JSON.parse(l) as { hash: string }).hash);
    for (const [i, r] of recs.entries()) {
      assert.equal(r.attributes[A.sessionId], 'S-o');
      assert.equal(r.attributes[A.seq], i);
      assert.equal(r.attributes[A.hash], hashes[i]);
      assert.equal(r.attributes[A.prev], i === 0 ? '0'.repeat(64) : hashes[i - 1]);
    }
    assert.equal(recs[0]!.attributes[A.missionId], 'M-7');
    assert.equal(recs[0]!.attributes[A.event], 'session.start');
    assert.deepEqual(pick(recs[1]!.attributes, [A.event, A.toolName, A.toolDecision, A.toolRule, A.egressBlocked, A.egressHost]), {
      [A.event]: 'tool.decision', [A.toolName]: 'WebFetch', [A.toolDecision]: 'deny', [A.toolRule]: 'net.deny[2]', [A.egressBlocked]: true, [A.egressHost]: 'evil.example.com',
    });
    assert.equal(recs[2]!.attributes[A.approvalRequested], true);
    assert.equal(recs[3]!.attributes[A.approvalAnswer], 'allow-once');
    assert.equal(recs[4]!.attributes[A.toolDecision], 'allow');
    assert.equal(recs[4]!.attributes[A.egressBlocked], undefined, 'no egress attributes on a call that does not reach the net');
    assert.equal(recs[5]!.attributes[A.event], 'session.freeze');
    assert.equal(recs[1]!.timeUnixNano, String(Date.parse((JSON.parse(lines[1]!) as { ts: string }).ts) * 1e6));
  });

  it('collector down, then up: the cursor waits and the engine catches up; HTTP 503 is retried, 400 fails closed', async () => {
    const port = (await freePort());
    const lines = buildSession('S-d', [...inputs, denyFetch(9), denyFetch(10)]);
    const trace = path.join(traceDir, 'S-d.trace.jsonl');
    writeTrace(trace, lines.slice(0, 4));
    const url = `otlp+http://127.0.0.1:${port}/v1/logs`;
    const sink = openSink(url, { otlp: { timeoutMillis: 500 } });
    const sync = new LedgerSync({ sink, stateDir: path.join(tmp, 'state'), clock: instantClock(), maxAttempts: 2 });
    await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.retryable && e.reason === 'unreachable');
    appendTrace(trace, lines.slice(4));
    const up = await startOtlpReceiver(port);
    try {
      up.status = 503;
      await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && e.retryable && e.reason === 'unavailable');
      up.status = 400;
      await assert.rejects(sync.syncOnce(trace), (e: unknown) => LedgerError.is(e) && !e.retryable && e.reason === 'rejected');
      up.status = 200;
      const res = await sync.syncOnce(trace);
      assert.equal(res.sent, 8);
      assert.deepEqual(up.records.map((r) => r.attributes[OTLP_ATTRIBUTES.seq]), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.equal((await sync.syncOnce(trace)).sent, 0, 'nothing sent twice');
    } finally {
      await sink.close();
      await up.close();
    }
  });
});

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('ledger: OTLP attributes of host evidence and agent claims', () => {
  const events = (extra: TraceEventInput[]) => buildSession('S-box', [startEvent(), ...extra]).map((l) => TraceEventSchema.parse(JSON.parse(l)));

  it('lets a SIEM alert on the sandbox, refused hook calls and unacknowledged commits, and tell claims from evidence', () => {
    const evs = events([
      { event: 'sandbox.status', actor: 'system', state: 'off', backend: 'none', reason: 'workspace policy `sandbox: off`' },
      { event: 'sandbox.violation', actor: 'system', kind: 'network', target: 'evil.example.com:443', detail: 'not allowed' },
      { event: 'hook.refused', actor: 'system', route: '/hooks/post-tool-use', reason: 'wrong bearer token', status: 401, size: 300 },
      { event: 'commit.observed', actor: 'system', commit_sha: 'a'.repeat(40), tree: 'b'.repeat(40), parents: [], ref: 'refs/heads/main', ack_id: null, ack_by: null, acknowledged: false },
      { event: 'tool.result', actor: 'agent', tool_use_id: 't1', exit_code: 0, ok: true },
    ]).slice(1);
    const A = OTLP_ATTRIBUTES;
    assert.deepEqual(evs.map(otlpSeverityOf), ['WARN', 'WARN', 'WARN', 'WARN', 'INFO']);
    const attrs = evs.map(otlpAttributesOf);
    assert.equal(attrs[0]![A.sandboxState], 'off');
    assert.deepEqual([attrs[1]![A.sandboxViolation], attrs[1]![A.sandboxTarget]], ['network', 'evil.example.com:443']);
    assert.equal(attrs[2]![A.hookRefused], 'wrong bearer token');
    assert.deepEqual([attrs[3]![A.commitSha], attrs[3]![A.commitAcknowledged]], ['a'.repeat(40), false]);
    assert.deepEqual(attrs.map((a) => a[A.reportedBy]), [undefined, undefined, undefined, undefined, 'agent']);
  });
});
