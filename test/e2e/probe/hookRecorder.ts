// A tiny loopback server that Claude Code's `type: "http"` hooks POST to. It records every hook
// payload (to learn the real shapes and to save fixtures) and answers with whatever the probe
// decides — a decision JSON, an HTTP error, invalid JSON, or a late reply past the hook timeout.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HookCall {
  seq: number;
  /** Path after /hook/, e.g. "pre" for /hook/pre. */
  route: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  receivedAt: number;
}

export interface HookReply {
  status?: number;
  /** Object → JSON; string → sent verbatim (to test invalid JSON). */
  body?: unknown;
  delayMs?: number;
}

export type HookResponder = (call: HookCall) => HookReply | undefined;

export interface HookRecorder {
  readonly url: string;
  readonly port: number;
  readonly calls: readonly HookCall[];
  setResponder(r: HookResponder): void;
  /** Calls whose payload has this hook_event_name. */
  byEvent(event: string): HookCall[];
  close(): Promise<void>;
}

export function eventName(call: HookCall): string | undefined {
  const b = call.body;
  if (typeof b === 'object' && b !== null && 'hook_event_name' in b) {
    const v = (b as { hook_event_name: unknown }).hook_event_name;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

export async function startHookRecorder(opts: { responder?: HookResponder; overallTimeoutMs?: number } = {}): Promise<HookRecorder> {
  const calls: HookCall[] = [];
  let responder: HookResponder = opts.responder ?? (() => undefined);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text: a non-JSON payload is itself a finding
      }
      const route = (req.url ?? '/').replace(/^\/hook\//, '').split('?')[0] ?? '';
      const call: HookCall = { seq: calls.length + 1, route, headers: req.headers, body, receivedAt: Date.now() };
      calls.push(call);
      const reply = responder(call) ?? {};
      const send = (): void => {
        if (res.destroyed) return;
        const payload = reply.body === undefined ? '{}' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(payload);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  const overall = setTimeout(() => void close(), opts.overallTimeoutMs ?? 10 * 60_000);
  overall.unref();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(overall);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    setResponder: (r) => (responder = r),
    byEvent: (e) => calls.filter((c) => eventName(c) === e),
    close,
  };
}

/** Every hook event the probes register (Claude Code 2.1.330 knows more; these are the ones we use). */
export const PROBED_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'UserPromptSubmit',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'SubagentStart',
  'SubagentStop',
  'PermissionRequest',
  'PermissionDenied',
  'Notification',
] as const;

export interface HttpHookOptions {
  timeout?: number;
  onFailure?: 'continue' | 'block';
  headers?: Record<string, string>;
  allowedEnvVars?: string[];
  events?: readonly string[];
}

/** Settings `hooks` block registering one http hook per event at <baseUrl>/hook/<event>. */
export function httpHooks(baseUrl: string, o: HttpHookOptions = {}): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const ev of o.events ?? PROBED_EVENTS) {
    const h: Record<string, unknown> = { type: 'http', url: `${baseUrl}/hook/${ev}` };
    if (o.timeout !== undefined) h.timeout = o.timeout;
    if (o.onFailure) h.onFailure = o.onFailure;
    if (o.headers) h.headers = o.headers;
    if (o.allowedEnvVars) h.allowedEnvVars = o.allowedEnvVars;
    hooks[ev] = [{ matcher: '*', hooks: [h] }];
  }
  return hooks;
}
