/**
 * One request forwarded to the upstream, bytes untouched both ways: the response streams to
 * the agent chunk by chunk as it arrives (SSE stays SSE), and a copy goes to the meter,
 * decompressed first when the upstream compressed it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

/** Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus the ones we recompute. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

export function forwardableHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  // Headers the `connection` header names are hop-by-hop too (RFC 9110 §7.6.1).
  const listed = headers.connection ? new Set(headers.connection.toLowerCase().split(',').map((s) => s.trim())) : undefined;
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined || HOP_BY_HOP.has(k) || listed?.has(k)) continue;
    out[k] = v;
  }
  return out;
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip': case 'x-gzip': return zlib.createGunzip();
    case 'deflate': return zlib.createInflate();
    case 'br': return zlib.createBrotliDecompress();
    default: return undefined;
  }
}

export interface ForwardHooks {
  /** Called before the first byte is relayed. */
  onResponse(status: number, headers: http.IncomingHttpHeaders): void;
  /** Decoded response bytes, for metering. */
  onData(chunk: Buffer): void;
  /** The response ended; `whole` is false when either side broke off. */
  onEnd(whole: boolean): void;
  onError(err: Error): void;
}

/** Kept-alive connections to the upstream, owned by one gateway and closed with it. */
export interface UpstreamPool {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

export function createUpstreamPool(): UpstreamPool {
  // No Nagle: an SSE event is a few hundred bytes and must not wait for the previous one's ACK.
  return { http: new http.Agent({ keepAlive: true, noDelay: true }), https: new https.Agent({ keepAlive: true, noDelay: true }) };
}

export function closeUpstreamPool(pool: UpstreamPool): void {
  pool.http.destroy();
  pool.https.destroy();
}

/** Forward `req` (whose body is `body`) to `target` and relay the answer into `res`. */
export function forward(
  pool: UpstreamPool, target: URL, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, hooks: ForwardHooks,
): http.ClientRequest {
  const secure = target.protocol === 'https:';
  const headers = forwardableHeaders(req.headers);
  headers['content-length'] = body.length;
  const out = (secure ? https : http).request(target, { method: req.method, headers, agent: secure ? pool.https : pool.http });
  let ended = false;
  const finish = (whole: boolean): void => {
    if (ended) return;
    ended = true;
    hooks.onEnd(whole);
  };
  out.on('response', (up) => {
    hooks.onResponse(up.statusCode ?? 502, up.headers);
    const responseHeaders = forwardableHeaders(up.headers);
    res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders);
    const decoder = decoderFor(up.headers['content-encoding'] as string | undefined);
    let decoded = decoder === undefined;
    let upEnded = false;
    if (decoder) {
      decoder.on('data', (c: Buffer) => hooks.onData(c));
      decoder.on('error', () => undefined);
      decoder.on('end', () => { decoded = true; finish(upEnded); });
    }
    up.on('data', (chunk: Buffer) => {
      res.write(chunk);
      if (decoder) decoder.write(chunk);
      else hooks.onData(chunk);
    });
    up.on('end', () => {
      upEnded = true;
      res.end();
      if (decoder) decoder.end();
      if (decoded) finish(true);
    });
    up.on('error', () => { res.destroy(); finish(false); });
    up.on('aborted', () => { res.destroy(); finish(false); });
  });
  out.on('error', (err) => {
    hooks.onError(err);
    finish(false);
  });
  // The agent hung up (Esc, killed): stop the upstream too, so it stops generating.
  res.on('close', () => {
    if (!res.writableFinished) {
      out.destroy();
      finish(false);
    }
  });
  out.end(body);
  return out;
}
