// Scenario 5: network egress. `curl` and WebFetch to hosts the policy does not allow are denied
// with network.otherwise (and a loopback server that stands in for a non-allowed host sees no
// request); an allowed host gets allow — `curl` to the allowed loopback address really arrives.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanupAllLanes, runLane, type LaneRun, turn } from '../support/lane';
import { assertTraceSound, describeRun, lineOf, POLICY, requirePrereqs, SECRET_FILES } from './common';

describe('lane: network egress', function () {
  this.timeout(120_000);
  let r: LaneRun;
  let server: http.Server;
  const hits: string[] = [];

  before(async function () {
    requirePrereqs();
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host ?? ''} ${req.url ?? ''}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('allowed-host-body\n');
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as AddressInfo).port;
    r = await runLane({
      policy: POLICY,
      files: SECRET_FILES,
      script: [
        turn.bash('curl -s https://evil.example/x', 'toolu_curl_evil'),
        // `localhost` is not in network.allow (only 127.0.0.1 is): had it run, our server would see it.
        turn.bash(`curl -s -o src/evil.txt http://localhost:${port}/evil`, 'toolu_curl_localhost'),
        { toolUses: [{ name: 'WebFetch', input: { url: 'https://evil.example/page', prompt: 'summarise' }, id: 'toolu_fetch_evil' }] },
        turn.bash(`curl -s -o src/allowed.txt http://127.0.0.1:${port}/allowed`, 'toolu_curl_allowed'),
        { toolUses: [{ name: 'WebFetch', input: { url: 'https://registry.npmjs.org/left-pad', prompt: 'version?' }, id: 'toolu_fetch_allowed' }] },
        { text: 'done' },
      ],
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('non-allowed hosts are denied with network.otherwise', () => {
    assert.equal(r.exitCode, 0, describeRun(r));
    assertTraceSound(r);
    const byId = new Map(r.decisions().map((x) => [x.toolUseId, x]));
    const line = lineOf(POLICY, 'otherwise: deny');
    for (const [id, host] of [['toolu_curl_evil', 'evil.example'], ['toolu_curl_localhost', 'localhost'], ['toolu_fetch_evil', 'evil.example']] as const) {
      const d = byId.get(id);
      assert.ok(d, `no decision for ${id}\n${describeRun(r)}`);
      assert.equal(d.decision, 'deny', `${id}: ${d.message}`);
      assert.equal(d.rule, 'network.otherwise', `${id}: ${d.message}`);
      assert.equal(d.line, line);
      assert.deepEqual(d.event.hosts, [host]);
      const t = r.toolResults().find((x) => x.tool_use_id === id);
      assert.equal(t?.is_error, true);
      assert.match(t?.content ?? '', /is not in network\.allow; network\.otherwise is deny/);
    }
    assert.equal(byId.get('toolu_fetch_evil')?.event.action, 'net.fetch');
  });

  it('the denied request never left', () => {
    assert.ok(!hits.some((h) => h.includes('/evil')), hits.join('\n'));
  });

  it('an allowed host gets allow (and the loopback one is really reached)', () => {
    const byId = new Map(r.decisions().map((x) => [x.toolUseId, x]));
    for (const id of ['toolu_curl_allowed', 'toolu_fetch_allowed']) {
      const d = byId.get(id);
      assert.equal(d?.decision, 'allow', `${id}: ${d?.message ?? 'no decision'}\n${describeRun(r)}`);
    }
    // Every rule that allowed is named (for curl: shell.otherwise for the exec, network.allow for the host).
    assert.ok(byId.get('toolu_curl_allowed')?.event.rules.some((x) => x.rule === 'network.allow[1]'), describeRun(r));
    assert.equal(byId.get('toolu_fetch_allowed')?.rule, 'network.allow[0]');
    assert.ok(hits.some((h) => h.endsWith('/allowed')), hits.join('\n'));
  });
});
