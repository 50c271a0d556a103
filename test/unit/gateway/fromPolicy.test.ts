import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_PRICES } from '../../../src/core/budget/prices';
import { openModelGateway, sessionGatewayOptions } from '../../../src/core/gateway';
import { layers, messagesBody, send } from './helpers';

describe('gateway / options from the policy stack', () => {
  it('upstream: the policy\'s model.upstream, else the lane\'s ANTHROPIC_BASE_URL, else Anthropic; the managed layer wins', () => {
    const env = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000' };
    assert.equal(sessionGatewayOptions({ ...layers('version: 1\n'), prices: DEFAULT_PRICES }).upstream, 'https://api.anthropic.com');
    assert.equal(sessionGatewayOptions({ ...layers('version: 1\n'), prices: DEFAULT_PRICES, env }).upstream, 'http://127.0.0.1:4000');
    const ws = 'version: 1\nmodel: { upstream: "https://litellm.ws.example/anthropic" }\n';
    assert.equal(sessionGatewayOptions({ ...layers(ws), prices: DEFAULT_PRICES, env }).upstream, 'https://litellm.ws.example/anthropic');
    const managed: [string, 'managed'] = ['version: 1\nmodel: { upstream: "https://llm.corp.example" }\n', 'managed'];
    assert.equal(sessionGatewayOptions({ ...layers(managed, ws), prices: DEFAULT_PRICES, env }).upstream, 'https://llm.corp.example');
  });

  it('caps: the tightest session cap with its line, day and mission caps with the other sessions\' spend', () => {
    const o = sessionGatewayOptions({
      ...layers('version: 1\nbudget:\n  usd: 5\n  usdPerDay: 40\n  usdPerMission: 100\n', ['version: 1\nbudget: { usd: 2 }\n', 'managed']),
      prices: DEFAULT_PRICES, prior: { todayUsd: 12, missionUsd: 30 },
    });
    assert.deepEqual(o.caps.map((c) => [c.scope, c.cap.limit, c.cap.source.layer, c.priorUsd]), [
      ['session', 2, 'managed', 0], ['day', 40, 'workspace', 12], ['mission', 100, 'workspace', 30],
    ]);
    assert.equal(o.caps[1]?.cap.source.line, 4);
  });

  it('a mission\'s model pin joins the allowlist; budget.onUnknown: freeze turns estimates off', () => {
    const o = sessionGatewayOptions({ ...layers('version: 1\nbudget: { onUnknown: freeze }\n'), prices: DEFAULT_PRICES, missionModel: { model: 'claude-opus-5-5', file: '/ws/m.yaml' } });
    assert.equal(o.estimateUnknown, false);
    assert.equal(o.policy.allow[0]?.test('claude-opus-5-5'), true);
    assert.equal(o.policy.allow[0]?.test('claude-opus-5-6'), false);
    assert.equal(o.policy.allow[0]?.ref.layer, 'mission');
  });

  it('rejects a model.upstream that is not an http(s) URL', () => {
    assert.throws(() => layers('version: 1\nmodel: { upstream: "file:///etc/passwd" }\n'), /upstream must be an http\(s\) URL/);
  });
});

describe('gateway / an answer without usage', () => {
  it('with a cap set, stops further requests: the spend is unknown (fail closed)', async () => {
    const upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id":"msg_x","type":"message","content":[]}'); });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const gw = await openModelGateway({
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy: { allow: [] }, prices: DEFAULT_PRICES,
      caps: [{ scope: 'session', priorUsd: 0, cap: { limit: 5, source: { layer: 'workspace', file: '/ws/p.yaml', line: 3, key: 'budget.usd' } } }],
    });
    try {
      assert.equal((await send({ url: gw.url }, messagesBody({ stream: false }))).status, 200);
      let refused = await send({ url: gw.url }, messagesBody());
      for (let i = 0; i < 100 && refused.status === 200; i++) refused = await send({ url: gw.url }, messagesBody());
      assert.equal(refused.status, 400);
      assert.match(refused.text, /Agent Lane: the spend is unknown \(response to request 1 carried no usage\)/);
    } finally {
      await gw.close();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
