/**
 * The session's model gateway: the only model endpoint the agent is given. It listens on
 * loopback TCP and/or a unix socket (which the sandbox relays into the box), forwards every
 * request to the upstream with headers and streaming untouched, and
 * - refuses a Messages request once a spend cap is reached (the person sees why in the CLI);
 * - refuses a model that a layer's `model.allow` does not list;
 * - masks secrets in outgoing prompts when `model.redact` is on;
 * - meters every response exactly from its stream, each response once;
 * - fails closed: an unreadable request is refused, a closed gateway answers nothing.
 * It records nothing itself: the lane subscribes to its events and writes them to the trace.
 */
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Emitter, type Event } from '../common/event';
import type { PriceTable } from '../budget/prices';
import type { TokenCounts } from '../budget/transcript';
import type { RuleRef } from '../policy/compile';
import { refusingList, type ModelPolicy } from './config';
import { parseMessagesRequest, redactRequest, type Redaction } from './requestBody';
import { writeRefusal, type RefusalKind } from './refusal';
import { ResponseMeter } from './responseUsage';
import { GatewaySpend, type CapCheck, type ScopedCap } from './spend';
import { closeUpstreamPool, createUpstreamPool, forward } from './upstream';

export const DEFAULT_UPSTREAM = 'https://api.anthropic.com';
/** Above the Messages API's own 32 MB request limit: anything bigger is not a real request. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ModelGatewayOptions {
  /** Where requests go: `model.upstream`, else the lane's own ANTHROPIC_BASE_URL, else Anthropic. */
  upstream: string;
  policy: ModelPolicy;
  prices: PriceTable;
  caps: readonly ScopedCap[];
  /** False when a layer asked `budget.onUnknown: freeze`: an unpriced model then stops the session. */
  estimateUnknown?: boolean;
  /** Listen on this unix socket (created 0600; removed on close). */
  socketPath?: string;
  /** Also listen on 127.0.0.1 (default: only when there is no socket path). */
  tcp?: boolean;
  maxBodyBytes?: number;
}

export interface GatewayRequestEvent {
  seq: number;
  method: string;
  path: string;
  model?: string;
  promptHash?: string;
  /** Set when secrets were masked before the request left: rule ids only, never the secret. */
  redaction?: Redaction;
}

export interface GatewayUsageEvent {
  seq: number;
  model: string;
  messageId: string;
  tokens: TokenCounts;
  /** USD of this response (an upper bound when `estimated`). */
  usd: number;
  estimated: boolean;
  /** This session's spend after this response. */
  sessionUsd: number;
  promptHash?: string;
  toolUseIds: string[];
  status: number;
  /** The stream ran to `message_stop`. */
  complete: boolean;
}

export interface GatewayRefusalEvent {
  seq: number;
  kind: RefusalKind;
  /** What the agent CLI shows the person. */
  message: string;
  model?: string;
  promptHash?: string;
  /** The policy rule behind the refusal, when there is one. */
  rule?: RuleRef;
}

export interface ModelGateway {
  /** `http://127.0.0.1:<port>` when listening on TCP. */
  readonly url?: string;
  readonly socketPath?: string;
  readonly upstream: string;
  readonly spend: GatewaySpend;
  /** Env for the agent: `ANTHROPIC_BASE_URL` at this gateway (or at `baseUrl`, a relay into the box). */
  agentEnv(baseUrl?: string): Record<string, string>;
  readonly onRequest: Event<GatewayRequestEvent>;
  readonly onUsage: Event<GatewayUsageEvent>;
  readonly onRefused: Event<GatewayRefusalEvent>;
  /** A cap crossed 80 % (once per cap) or was reached. */
  readonly onCap: Event<CapCheck>;
  /** The CLI's own cost figure (statusLine `cost.total_cost_usd`). */
  setCliCost(usd: number): void;
  /** Raise the session cap (the caller records who and why in the trace). */
  raise(by: string, usd: number): { from: number; to: number };
  /** Stop listening and cut every open connection: from now on no model request succeeds. */
  close(): Promise<void>;
}

type Listening = { server: http.Server; sockets: Set<Socket> };

async function listen(handler: http.RequestListener, where: { socketPath: string } | { tcp: true }): Promise<Listening> {
  const server = http.createServer({ noDelay: true, keepAlive: true }, handler);
  // Long generations stream for minutes: no idle cut-off on our side.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socketPath' in where) server.listen(where.socketPath, () => resolve());
    else server.listen(0, '127.0.0.1', () => resolve());
  });
  if ('socketPath' in where) await fsp.chmod(where.socketPath, 0o600);
  return { server, sockets };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.destroy();
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export async function openModelGateway(opts: ModelGatewayOptions): Promise<ModelGateway> {
  const upstream = new URL(opts.upstream);
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const spend = new GatewaySpend(opts.prices, opts.caps, opts.estimateUnknown ?? true);
  const pool = createUpstreamPool();
  const onRequest = new Emitter<GatewayRequestEvent>();
  const onUsage = new Emitter<GatewayUsageEvent>();
  const onRefused = new Emitter<GatewayRefusalEvent>();
  const onCap = new Emitter<CapCheck>();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const capLevels = new Map<string, CapCheck['level']>();
  let seq = 0;
  let closed = false;
  /** Responses that ended without a usage we could read: the spend is then unknown. */
  let unmetered: string | undefined;

  const refuse = (res: http.ServerResponse, e: GatewayRefusalEvent): void => {
    writeRefusal(res, e.kind, e.message);
    onRefused.fire(e);
  };

  const noteCaps = (): CapCheck | undefined => {
    if (!spend.hasCaps) return undefined;
    const checks = spend.check();
    for (const c of checks) {
      const before = capLevels.get(c.scope) ?? 'ok';
      capLevels.set(c.scope, c.level);
      if (c.level !== before && c.level !== 'ok') onCap.fire(c);
    }
    return checks.find((c) => c.level === 'reached');
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const n = ++seq;
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (closed) return refuse(res, { seq: n, kind: 'closed', message: 'Agent Lane: the session has ended; its model gateway takes no more requests' });
    const body = await readBody(req, maxBody);
    if (body === 'too-large') return refuse(res, { seq: n, kind: 'too-large', message: `Agent Lane: request larger than ${maxBody} bytes refused by the model gateway` });

    const isMessages = method === 'POST' && (path === '/v1/messages' || path === '/v1/messages/count_tokens');
    const billable = method === 'POST' && path === '/v1/messages';
    let outgoing = body;
    const event: GatewayRequestEvent = { seq: n, method, path };
    if (isMessages) {
      const parsed = parseMessagesRequest(body);
      // Fail closed: a request we cannot read cannot be checked against the allowlist or redacted.
      if (!parsed.ok) return refuse(res, { seq: n, kind: 'unreadable', message: `Agent Lane: the model gateway cannot read this request (${parsed.reason}), so it does not forward it` });
      const { model, promptHash } = parsed.request;
      event.model = model;
      event.promptHash = promptHash;
      const list = refusingList(opts.policy, model);
      if (list) {
        return refuse(res, {
          seq: n, kind: 'model', model, promptHash, rule: list.ref,
          message: `Agent Lane: model \`${model}\` is not allowed (policy ${list.ref.key}${list.ref.line ? `, line ${list.ref.line}` : ''}: ${list.patterns.join(', ')})`,
        });
      }
      if (billable) {
        if (unmetered) return refuse(res, { seq: n, kind: 'unmetered', model, promptHash, message: `Agent Lane: the spend is unknown (${unmetered}), so no further model request is sent` });
        const reached = noteCaps();
        if (reached) return refuse(res, { seq: n, kind: 'budget', model, promptHash, message: reached.message ?? 'Agent Lane: budget reached' });
      }
      if (opts.policy.redact) {
        let redacted;
        try {
          redacted = redactRequest(parsed.request);
        } catch {
          return refuse(res, { seq: n, kind: 'unreadable', model, promptHash, message: 'Agent Lane: the model gateway cannot read this request (the request body is not JSON), so it cannot redact it and does not forward it' });
        }
        if (redacted) {
          outgoing = redacted.body;
          event.redaction = redacted.redaction;
        }
      }
    }
    onRequest.fire(event);

    const target = new URL(upstream.origin + basePath + url);
    const streaming = /\btext\/event-stream\b/;
    let meter: ResponseMeter | undefined;
    let status = 0;
    forward(pool, target, req, outgoing, res, {
      onResponse: (s, headers) => {
        status = s;
        if (billable && s >= 200 && s < 300) meter = new ResponseMeter(streaming.test(String(headers['content-type'] ?? '')));
      },
      onData: (chunk) => meter?.feed(chunk),
      onEnd: (whole) => {
        if (!meter) return;
        const r = meter.result();
        if (!r) {
          // A whole 2xx answer without usage: we cannot tell what it cost. Fail closed when caps apply.
          if (whole && opts.caps.length > 0) unmetered ??= `response to request ${n} carried no usage`;
          return;
        }
        const added = spend.add(r);
        if (!added) return;
        onUsage.fire({
          seq: n, model: r.model, messageId: r.messageId, tokens: r.tokens, usd: added.usd,
          estimated: added.estimated, sessionUsd: added.reading.usd, promptHash: event.promptHash,
          toolUseIds: r.toolUseIds, status, complete: r.complete,
        });
        noteCaps();
      },
      onError: (err) => {
        refuse(res, { seq: n, kind: 'upstream', model: event.model, message: `Agent Lane: the model upstream ${upstream.origin} cannot be reached (${err.message})` });
      },
    });
  };

  const handler: http.RequestListener = (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Fail closed: whatever broke, the request does not go out.
      refuse(res, { seq: seq, kind: 'unreadable', message: `Agent Lane: the model gateway failed on this request (${(err as Error).message})` });
    });
  };

  const listeners: Listening[] = [];
  let url: string | undefined;
  try {
    if (opts.socketPath) {
      await fsp.rm(opts.socketPath, { force: true });
      listeners.push(await listen(handler, { socketPath: opts.socketPath }));
    }
    if (opts.tcp ?? !opts.socketPath) {
      const l = await listen(handler, { tcp: true });
      listeners.push(l);
      url = `http://127.0.0.1:${(l.server.address() as AddressInfo).port}`;
    }
  } catch (err) {
    for (const l of listeners) l.server.close();
    closeUpstreamPool(pool);
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    socketPath: opts.socketPath,
    upstream: upstream.toString(),
    spend,
    agentEnv: (baseUrl) => {
      const at = baseUrl ?? url;
      if (!at) throw new Error('the gateway listens only on a unix socket: pass the relay URL the agent reaches it by');
      return { ANTHROPIC_BASE_URL: at };
    },
    onRequest: onRequest.event,
    onUsage: onUsage.event,
    onRefused: onRefused.event,
    onCap: onCap.event,
    setCliCost: (usd) => { spend.setCliCost(usd); noteCaps(); },
    raise: (by, usd) => {
      const r = spend.raise(by, usd);
      capLevels.delete('session');
      noteCaps();
      return r;
    },
    close: () => {
      closing ??= (async () => {
        closed = true;
        await Promise.all(listeners.map((l) => new Promise<void>((resolve) => {
          l.server.close(() => resolve());
          for (const s of l.sockets) s.destroy();
        })));
        closeUpstreamPool(pool);
        if (opts.socketPath) await fsp.rm(opts.socketPath, { force: true });
        for (const e of [onRequest, onUsage, onRefused, onCap]) e.dispose();
      })();
      return closing;
    },
  };
}
