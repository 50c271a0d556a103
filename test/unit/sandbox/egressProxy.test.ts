import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { isInternal, startEgressProxy, type EgressProxy, type EgressViolation } from '../../../src/core/sandbox/egressProxy';

/** Sends raw bytes to the proxy's unix socket and returns everything it answered. */
function rawRequest(socket: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(socket);
    let out = '';
    c.on('data', (b) => { out += b.toString(); if (/\r\n\r\n/.test(out) && /^HTTP\/1\.1 200 Connection/.test(out)) c.end(); });
    c.on('end', () => resolve(out));
    c.on('close', () => resolve(out));
    c.on('error', reject);
    c.write(text);
  });
}

describe('egress proxy: the box\'s only way out', () => {
  let dir: string;
  let upstream: http.Server;
  let upstreamPort: number;
  const hits: string[] = [];
  let proxy: EgressProxy;
  const violations: EgressViolation[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-proxy-'));
    upstream = http.createServer((req, res) => { hits.push(req.url ?? ''); res.end('upstream\n'); });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    upstreamPort = (upstream.address() as AddressInfo).port;
    proxy = await startEgressProxy(path.join(dir, 'proxy.sock'), {
      decide: (host, port) => (host === '127.0.0.1' && port === upstreamPort) || host === 'allowed.test' || host === 'rebind.test'
        ? { allow: true, reason: 'network.allow[0]' }
        : { allow: false, reason: `\`${host}\` is not in network.allow (workspace network.otherwise, line 9)` },
      onViolation: (v) => violations.push(v),
      resolve: async (h) => (h === 'rebind.test' ? ['127.0.0.1'] : ['203.0.113.7']),
    });
  });
  after(async () => {
    await proxy.close();
    await new Promise<void>((r) => upstream.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('forwards a plain HTTP request to an allowed host', async () => {
    const out = await rawRequest(proxy.socket, `GET http://127.0.0.1:${upstreamPort}/ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 200/);
    assert.ok(hits.includes('/ok'));
  });

  it('tunnels CONNECT to an allowed host', async () => {
    const out = await rawRequest(proxy.socket, `CONNECT 127.0.0.1:${upstreamPort} HTTP/1.1\r\nHost: 127.0.0.1:${upstreamPort}\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 200 Connection Established/);
  });

  it('refuses an unlisted host with the policy\'s reason, and reports the violation', async () => {
    const out = await rawRequest(proxy.socket, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 403/);
    assert.match(out, /Agent Lane: `evil\.example` is not in network\.allow/);
    assert.deepEqual(violations.at(-1), { target: 'evil.example:443', detail: '`evil.example` is not in network.allow (workspace network.otherwise, line 9)' });
  });

  it('refuses an allowed name that resolves to this machine (no way to the lane\'s own services)', async () => {
    const out = await rawRequest(proxy.socket, 'GET http://rebind.test:5432/ HTTP/1.1\r\nHost: rebind.test\r\nConnection: close\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 403/);
    assert.match(out, /resolves to 127\.0\.0\.1/);
  });

  it('answers garbage with 400, never by connecting somewhere', async () => {
    const out = await rawRequest(proxy.socket, 'CONNECT nonsense HTTP/1.1\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 400/);
  });

  it('knows which addresses are this machine\'s', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '0.0.0.0', '169.254.169.254', 'fe80::1']) assert.ok(isInternal(a), a);
    for (const a of ['203.0.113.7', '10.1.2.3', '2001:db8::1']) assert.ok(!isInternal(a), a);
  });
});
