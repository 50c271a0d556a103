import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type Usage } from '../../e2e/support/fakeAnthropic';
import { DEFAULT_PRICES } from '../../../src/core/budget/prices';
import { openModelGateway } from '../../../src/core/gateway';
import { openSessionGateway, type GatewayRefusalEvent, type GatewayRequestEvent, type GatewayUsageEvent, type ModelGateway, type CapCheck } from '../../../src/core/gateway';
import { layers, messagesBody, send } from './helpers';

const TURN: Usage = { input_tokens: 1000, output_tokens: 200 };
// claude-opus-5-5 (the CLI's default model) at $4 in / $20 out per MTok: $0.008 a turn.

interface Rig {
  api: FakeAnthropic;
  gw: ModelGateway;
  requests: GatewayRequestEvent[];
  usage: GatewayUsageEvent[];
  refusals: GatewayRefusalEvent[];
  caps: CapCheck[];
}

const rigs: Rig[] = [];

async function rig(policyText: string, opts: { usage?: Usage; socketPath?: string; tcp?: boolean; extraLayers?: Array<[string, 'managed']> } = {}): Promise<Rig> {
  const api = await startFakeAnthropic({ defaultUsage: opts.usage ?? TURN });
  const stack = layers(policyText, ...(opts.extraLayers ?? []));
  const gw = await openSessionGateway({ ...stack, prices: DEFAULT_PRICES, env: { ANTHROPIC_BASE_URL: api.url }, socketPath: opts.socketPath, tcp: opts.tcp });
  const r: Rig = { api, gw, requests: [], usage: [], refusals: [], caps: [] };
  gw.onRequest((e) => r.requests.push(e));
  gw.onUsage((e) => r.usage.push(e));
  gw.onRefused((e) => r.refusals.push(e));
  gw.onCap((e) => r.caps.push(e));
  rigs.push(r);
  return r;
}

describe('gateway: forwarding and metering', () => {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.gw.close();
      await r.api.close();
    }
  });

  it('streams the upstream\'s answer through unchanged, with the agent\'s headers reaching the upstream', async () => {
    const r = await rig('version: 1\n');
    const direct = await send({ url: r.api.url }, messagesBody());
    const via = await send({ url: r.gw.url }, messagesBody());
    assert.equal(via.status, 200);
    assert.match(String(via.headers['content-type']), /text\/event-stream/);
    // Same events, same order; only the per-response ids differ.
    const strip = (t: string): string => t.replace(/msg_fake_\d+/g, 'msg').replace(/req_msg_fake_\d+/g, 'req');
    assert.equal(strip(via.text), strip(direct.text));
    const seen = r.api.requests.at(-1)!;
    assert.equal(seen.headers['x-api-key'], 'sk-test-key');
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(seen.body, messagesBody());
  });

  it('meters each response exactly from the stream: every token class, priced at the model\'s rate', async () => {
    const usage: Usage = { input_tokens: 2200, output_tokens: 340, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000 };
    const r = await rig('version: 1\n', { usage });
    await send({ url: r.gw.url }, messagesBody());
    await send({ url: r.gw.url }, messagesBody({ stream: false }));
    assert.equal(r.usage.length, 2);
    const expected = (2200 * 4 + 340 * 20 + 5000 * 0.2 + 2000 * 5) / 1e6;
    for (const u of r.usage) {
      assert.equal(u.model, 'claude-opus-5-5');
      assert.deepEqual(u.tokens, { input: 2200, output: 340, cacheWrite5m: 2000, cacheWrite1h: 0, cacheRead: 5000 });
      assert.ok(Math.abs(u.usd - expected) < 1e-12, `${u.usd} vs ${expected}`);
      assert.equal(u.estimated, false);
      assert.match(u.promptHash ?? '', /^[0-9a-f]{64}$/);
    }
    assert.ok(Math.abs(r.gw.spend.reading().usd - 2 * expected) < 1e-12);
    assert.deepEqual(r.usage[0]?.toolUseIds, []);
  });

  it('meters a compressed answer from its decoded bytes, and relays the compressed bytes untouched', async () => {
    const message = { id: 'msg_gz', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [{ type: 'tool_use', id: 'toolu_gz', name: 'Read', input: {} }], usage: { input_tokens: 1000, output_tokens: 200 } };
    const gz = zlib.gzipSync(Buffer.from(JSON.stringify(message)));
    const upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end(gz); });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const gw = await openModelGateway({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy: { allow: [] }, prices: DEFAULT_PRICES, caps: [] });
    // The meter reads the decoder's output (zlib works off the main thread): wait for it.
    const metered = new Promise<number>((resolve) => gw.onUsage((e) => resolve(e.usd)));
    try {
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const req = http.request(new URL('/v1/messages', gw.url), { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        });
        req.on('error', reject);
        req.end(JSON.stringify(messagesBody({ stream: false })));
      });
      assert.ok(reply.equals(gz), 'the compressed bytes were changed on the way');
      assert.equal(await metered, 0.008);
    } finally {
      await gw.close();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });

  it('count_tokens and other paths are forwarded, not billed', async () => {
    const r = await rig('version: 1\nbudget: { usd: 1 }\n');
    const counted = await send({ url: r.gw.url }, messagesBody(), { path: '/v1/messages/count_tokens' });
    assert.equal(counted.status, 200);
    const other = await send({ url: r.gw.url }, undefined, { path: '/v1/models', method: 'GET', raw: '' });
    assert.equal(other.status, 404, 'the fake has no /v1/models: its own 404 comes back');
    assert.match(other.text, /fake: no route/);
    assert.equal(r.usage.length, 0);
  });

  it('listens on a unix socket (0600) for the sandbox relay, and removes it on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-gw-'));
    const socketPath = path.join(dir, 'model.sock');
    const r = await rig('version: 1\n', { socketPath });
    assert.equal(r.gw.url, undefined);
    assert.equal(fs.statSync(socketPath).mode & 0o777, 0o600);
    const reply = await send({ socketPath }, messagesBody());
    assert.equal(reply.status, 200);
    assert.equal(r.usage.length, 1);
    assert.throws(() => r.gw.agentEnv(), /relay URL/);
    assert.deepEqual(r.gw.agentEnv('http://127.0.0.1:9'), { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    await r.gw.close();
    assert.equal(fs.existsSync(socketPath), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('gateway: refusals', () => {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.gw.close();
      await r.api.close();
    }
  });

  it('refuses the next request once the session is at its cap, naming the cap and its line; the upstream sees nothing more', async () => {
    const r = await rig('version: 1\nbudget:\n  usd: 0.01\n');
    assert.equal((await send({ url: r.gw.url }, messagesBody())).status, 200); // $0.008: 80 %
    assert.deepEqual(r.caps.map((c) => c.level), ['warn']);
    assert.equal(r.caps[0]?.message, 'Agent Lane: budget at 80%: $0.01 of $0.01 (policy budget.usd, line 3)');
    assert.equal((await send({ url: r.gw.url }, messagesBody())).status, 200); // $0.016: over
    const refused = await send({ url: r.gw.url }, messagesBody());
    assert.equal(refused.status, 400);
    const body = JSON.parse(refused.text) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.message, 'Agent Lane: budget reached: $0.02 of $0.01 (policy budget.usd, line 3) — raise it in the sidebar');
    assert.equal(r.api.turnRequests().length, 2, 'the upstream saw no request after the cap');
    assert.deepEqual(r.refusals.map((e) => e.kind), ['budget']);
    assert.deepEqual(r.caps.map((c) => c.level), ['warn', 'reached']);
  });

  it('a raise lets requests through again', async () => {
    const r = await rig('version: 1\nbudget: { usd: 0.005 }\n');
    await send({ url: r.gw.url }, messagesBody());
    assert.equal((await send({ url: r.gw.url }, messagesBody())).status, 400);
    assert.deepEqual(r.gw.raise('sam@example.com', 1), { from: 0.005, to: 1 });
    assert.equal((await send({ url: r.gw.url }, messagesBody())).status, 200);
    assert.equal(r.api.turnRequests().length, 2);
  });

  it('counts other sessions\' spend against the daily cap', async () => {
    const api = await startFakeAnthropic({ defaultUsage: TURN });
    const stack = layers('version: 1\nbudget: { usdPerDay: 2 }\n');
    const gw = await openSessionGateway({ ...stack, prices: DEFAULT_PRICES, env: { ANTHROPIC_BASE_URL: api.url }, prior: { todayUsd: 1.995, missionUsd: 0 } });
    rigs.push({ api, gw, requests: [], usage: [], refusals: [], caps: [] });
    assert.equal((await send({ url: gw.url }, messagesBody())).status, 200);
    const refused = await send({ url: gw.url }, messagesBody());
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Agent Lane: daily budget reached: \$2\.00 of \$2\.00 today on this machine \(policy budget\.usdPerDay, line 2\)/);
  });

  it('refuses a model outside model.allow, and a managed layer pins the models', async () => {
    const r = await rig('version: 1\nmodel:\n  allow: ["claude-opus-*", "claude-haiku-*"]\n', { extraLayers: [['version: 1\nmodel:\n  allow: [claude-opus-5-5]\n', 'managed']] });
    assert.equal((await send({ url: r.gw.url }, messagesBody({ model: 'claude-opus-5-5' }))).status, 200);
    const haiku = await send({ url: r.gw.url }, messagesBody({ model: 'claude-haiku-4-5' }));
    assert.equal(haiku.status, 400);
    assert.match(haiku.text, /Agent Lane: model `claude-haiku-4-5` is not allowed \(policy model\.allow, line 3: claude-opus-5-5\)/);
    const other = await send({ url: r.gw.url }, messagesBody({ model: 'gpt-9' }));
    assert.match(other.text, /model `gpt-9` is not allowed \(policy model\.allow, line 3: claude-opus-\*, claude-haiku-\*\)/);
    assert.equal(r.api.turnRequests().length, 1);
    assert.equal(r.refusals[0]?.rule?.layer, 'managed');
  });

  it('fails closed on a request it cannot read', async () => {
    const r = await rig('version: 1\n');
    const reply = await send({ url: r.gw.url }, undefined, { raw: '{"messages": [' });
    assert.equal(reply.status, 400);
    assert.match(reply.text, /cannot read this request \(the request body is not JSON/);
    const noModel = await send({ url: r.gw.url }, { messages: [] });
    assert.match(noModel.text, /names no `model`/);
    assert.equal(r.api.requests.length, 0);
  });

  it('a closed gateway answers nothing: no model request succeeds', async () => {
    const r = await rig('version: 1\n');
    assert.equal((await send({ url: r.gw.url }, messagesBody())).status, 200);
    await r.gw.close();
    // A pooled connection is cut (hang up / reset), a new one refused: never an answer.
    await assert.rejects(send({ url: r.gw.url }, messagesBody()), /ECONNREFUSED|socket hang up|ECONNRESET/);
    await assert.rejects(send({ url: r.gw.url }, messagesBody()), /ECONNREFUSED/);
    assert.equal(r.api.turnRequests().length, 1);
  });

  it('reports an unreachable upstream as an API error, never as a success', async () => {
    const stack = layers('version: 1\n');
    const gw = await openSessionGateway({ ...stack, prices: DEFAULT_PRICES, env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    const api = await startFakeAnthropic();
    rigs.push({ api, gw, requests: [], usage: [], refusals: [], caps: [] });
    const reply = await send({ url: gw.url }, messagesBody());
    assert.equal(reply.status, 502);
    assert.match(reply.text, /the model upstream http:\/\/127\.0\.0\.1:9 cannot be reached/);
  });
});

describe('gateway: model.redact', () => {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.gw.close();
      await r.api.close();
    }
  });

  const GHP = `ghp_${'R8kq2ZbX0pW7nLm4'.repeat(3).slice(0, 36)}`;
  const withSecret = (): Record<string, unknown> => ({
    ...messagesBody(),
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'read config.ts' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: `token ${GHP}?`, signature: 'sig' }, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: '/ws/config.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `export const token = "${GHP}";\nexport const password = "hunter2-correct-horse";\n` }] },
    ],
  });

  it('masks secrets in outgoing prompts and records the rule ids and a hash, never the secret', async () => {
    const r = await rig('version: 1\nmodel: { redact: true }\n');
    assert.equal((await send({ url: r.gw.url }, withSecret())).status, 200);
    const sent = r.api.allRequestText();
    const toolResult = JSON.stringify((r.api.turnRequests()[0]?.body as { messages: unknown[] }).messages[2]);
    assert.ok(!toolResult.includes(GHP), 'the token reached the upstream');
    assert.ok(!sent.includes('hunter2-correct-horse'), 'the password reached the upstream');
    assert.match(toolResult, /\[REDACTED:github-token\]/);
    // Signed thinking goes out byte for byte (the API rejects a changed block); ids stay.
    assert.match(sent, /"signature":"sig"/);
    assert.match(sent, /"tool_use_id":"toolu_1"/);
    const e = r.requests[0]!;
    assert.deepEqual(e.redaction?.rules, ['github-token', 'password-assignment', 'token-assignment']);
    assert.match(e.promptHash ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(r.requests).includes(GHP));
  });

  it('sends prompts unchanged without model.redact', async () => {
    const r = await rig('version: 1\n');
    await send({ url: r.gw.url }, withSecret());
    assert.deepEqual(r.api.turnRequests()[0]?.body, withSecret());
    assert.equal(r.requests[0]?.redaction, undefined);
  });
});

describe('gateway: prices for models the table does not know', () => {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.gw.close();
      await r.api.close();
    }
  });

  it('estimates an unknown model at the dearest rate of its line: never $0, flagged', async () => {
    const r = await rig('version: 1\nbudget: { usd: 5 }\n');
    await send({ url: r.gw.url }, messagesBody({ model: 'claude-opus-9' }));
    assert.equal(r.usage[0]?.estimated, true);
    // Dearest opus: $15 in, $75 out (claude-opus-4-0/4-1, claude-3-opus).
    assert.ok(Math.abs((r.usage[0]?.usd ?? 0) - (1000 * 15 + 200 * 75) / 1e6) < 1e-12, String(r.usage[0]?.usd));
    assert.equal((await send({ url: r.gw.url }, messagesBody({ model: 'claude-opus-9' }))).status, 200, 'no freeze on day one');
  });

  it('prefers the CLI\'s own figure over its estimate', async () => {
    const r = await rig('version: 1\n');
    await send({ url: r.gw.url }, messagesBody({ model: 'claude-opus-9' }));
    r.gw.setCliCost(0.01);
    assert.ok(Math.abs(r.gw.spend.reading().usd - 0.01) < 1e-12);
  });
});
