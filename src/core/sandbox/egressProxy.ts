/**
 * The box's only way to the outside network: an HTTP proxy on the host, reached from inside the
 * box through a unix-socket relay (`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` point at it). Every
 * destination is decided by the policy's network rules, by host name as the client asked for it;
 * what is refused gets a 403 with the reason and a `sandbox.violation` in the trace. A raw socket,
 * a DNS query or `/dev/tcp` to anything else has no route at all (the box has only loopback).
 *
 * A name that resolves to a loopback or link-local address is refused unless the policy names a
 * loopback address itself: an allowed name must not become a way to the lane's own services.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { lookup } from 'node:dns/promises';
import { listenUnix } from './relay';

export interface HostVerdict {
  allow: boolean;
  reason: string;
}

export interface EgressViolation {
  target: string;
  detail: string;
}

export interface EgressProxyOptions {
  decide: (host: string, port: number) => HostVerdict;
  /**
   * The box's own loopback endpoints (port → host-side unix socket): a client that sends even
   * loopback traffic through the proxy still reaches the broker and the model this way.
   */
  local?: ReadonlyMap<number, string>;
  onViolation: (v: EgressViolation) => void;
  /** Resolver (tests may pin one); defaults to the system's. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface EgressProxy {
  socket: string;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

export async function startEgressProxy(socket: string, opts: EgressProxyOptions): Promise<EgressProxy> {
  const conns = new Set<net.Socket>();
  const resolve = opts.resolve ?? (async (h: string) => (await lookup(h, { all: true })).map((a) => a.address));

  const check = async (host: string, port: number): Promise<HostVerdict & { address?: string }> => {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    const verdict = opts.decide(h, port);
    if (!verdict.allow) return verdict;
    let addresses: string[];
    try {
      addresses = net.isIP(h) ? [h] : await resolve(h);
    } catch (err) {
      return { allow: false, reason: `cannot resolve \`${h}\` (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const literalLoopback = LOOPBACK_NAMES.has(h) || (net.isIP(h) !== 0 && isInternal(h));
    const internal = addresses.find(isInternal);
    if (internal && !literalLoopback) {
      return { allow: false, reason: `\`${h}\` resolves to ${internal}, an address on this machine or its link: refused (name a loopback address in network.allow to reach one)` };
    }
    return { allow: true, reason: verdict.reason, address: addresses[0] };
  };

  const localEndpoint = (host: string, port: number): string | undefined => {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    return LOOPBACK_NAMES.has(h) || h === '127.0.0.1' || h === '::1' ? opts.local?.get(port) : undefined;
  };

  const refuse = (target: string, reason: string): void => {
    try { opts.onViolation({ target, detail: reason }); } catch { /* recording must not break the proxy */ }
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Agent Lane proxy: absolute URL expected\n');
        return;
      }
      if (url.protocol !== 'http:') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Agent Lane proxy: only http:// here; https goes through CONNECT\n');
        return;
      }
      const port = Number(url.port || 80);
      const localSocket = localEndpoint(url.hostname, port);
      const v = localSocket ? { allow: true, reason: 'lane endpoint', address: undefined } : await check(url.hostname, port);
      if (!v.allow) {
        refuse(`${url.hostname}:${port}`, v.reason);
        res.writeHead(403, { 'content-type': 'text/plain', 'x-agentlane-denied': '1' }).end(`Agent Lane: ${v.reason}\n`);
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      const target = localSocket ? { socketPath: localSocket } : { host: v.address, port };
      const upstream = http.request({ ...target, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`Agent Lane proxy: ${err.message}\n`);
      });
      req.pipe(upstream);
    })();
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    conns.add(client);
    client.on('close', () => conns.delete(client));
    client.on('error', () => client.destroy());
    void (async () => {
      const target = parseAuthority(req.url ?? '');
      if (!target) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const localSocket = localEndpoint(target.host, target.port);
      const v = localSocket ? { allow: true, reason: 'lane endpoint', address: undefined } : await check(target.host, target.port);
      if (!v.allow) {
        refuse(`${target.host}:${target.port}`, v.reason);
        const body = `Agent Lane: ${v.reason}\n`;
        client.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      const upstream = localSocket ? net.connect(localSocket) : net.connect(target.port, v.address ?? target.host);
      conns.add(upstream);
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      const done = (): void => { upstream.destroy(); client.destroy(); conns.delete(upstream); };
      upstream.on('error', () => {
        if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        done();
      });
      upstream.on('close', done);
    })();
  });
  server.on('connection', (s: net.Socket) => { conns.add(s); s.on('close', () => conns.delete(s)); });

  await listenUnix(server, socket);
  return {
    socket,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(authority) ?? /^([^:\s/]+):(\d{1,5})$/.exec(authority);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

/** Loopback, unspecified, link-local and IPv4-mapped forms of them. */
export function isInternal(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (net.isIPv4(a)) {
    return a.startsWith('127.') || a.startsWith('0.') || a.startsWith('169.254.');
  }
  return a === '::1' || a === '::' || a.startsWith('fe80:');
}
