/**
 * The loopback endpoint Claude Code's http hooks call. Every request must carry this
 * session's bearer token; every payload must name this session; anything malformed gets an
 * explicit deny with the reason (a non-2xx would also block, thanks to onFailure: block, but
 * the agent would only see a generic failure).
 *
 * Approvals never arrive here (invariant 8): this channel is reachable from the agent's
 * process, so it can only ask, never answer.
 */
import * as http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { SessionBroker } from '../../session/broker';
import { listenUnix } from '../../sandbox/relay';
import { HOOK_ROUTES, STATUS_ROUTE } from './settings';
import {
  exitCodeOf, lifecycleSchema, postToolUseSchema, preToolUseSchema, statusLineSchema, userPromptSchema,
  type StatusLinePayload,
} from './payloads';

/** Tool inputs can be whole files (Write); beyond this we refuse rather than buffer forever. */
const MAX_BODY = 64 * 1024 * 1024;

export interface HookServerOptions {
  broker: SessionBroker;
  /** Claude's session id (we start it with --session-id): payloads naming another are refused. */
  agentSessionId: string;
  token?: string;
  onStatusLine?: (p: StatusLinePayload) => string | undefined;
  onTranscript?: (path: string) => void;
  onSessionEnd?: (reason: string) => void;
  /** Extra routes (git hooks, other agents' hook clients), same token. */
  extraRoutes?: Record<string, ExtraRoute>;
}

/** A JSON answer, or a plain-text one (the fail-closed shell hook client matches text exactly). */
export type ExtraRouteReply = { status: number; body: unknown } | { status: number; text: string };
export type ExtraRoute = (body: unknown) => Promise<ExtraRouteReply>;

export class HookServer {
  readonly token: string;
  private server: http.Server | undefined;
  private boxServer: http.Server | undefined;
  private _url = '';
  private readonly inflight = new Set<http.ServerResponse>();

  constructor(private readonly opts: HookServerOptions) {
    this.token = opts.token ?? randomBytes(32).toString('base64url');
  }

  get url(): string {
    return this._url;
  }

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    // The default request timeout (300 s) would cut a human's approval short.
    server.requestTimeout = 0;
    server.headersTimeout = 10000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this._url = `http://127.0.0.1:${port}`;
    return this._url;
  }

  /**
   * The box's way in: a unix socket bind-mounted (read-only) into the agent's sandbox and relayed
   * to a loopback port there. Only that box can reach it, so the channel is the credential: no
   * token exists inside the box to be stolen (invariant 10). What arrives here is still only the
   * agent's claim; it can ask, never answer (invariant 8).
   */
  async listenBox(socketPath: string): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res, true));
    server.keepAliveTimeout = 5000;
    server.requestTimeout = 0;
    server.headersTimeout = 10000;
    await listenUnix(server, socketPath);
    this.boxServer = server;
  }

  async close(): Promise<void> {
    for (const s of [this.server, this.boxServer]) {
      if (!s) continue;
      s.closeAllConnections?.();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    this.server = undefined;
    this.boxServer = undefined;
  }

  private authorised(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const expected = Buffer.from(`Bearer ${this.token}`);
    const got = Buffer.from(header);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, boxChannel = false): Promise<void> {
    this.inflight.add(res);
    res.on('close', () => this.inflight.delete(res));
    const route = (req.url ?? '').split('?')[0];
    try {
      const announced = Number(req.headers['content-length'] ?? 0) || 0;
      if (req.method !== 'POST') {
        this.refused(route, 'only POST is accepted', 405, announced);
        return send(res, 405, { error: 'POST only' });
      }
      if (!boxChannel && !this.authorised(req)) {
        this.refused(route, 'missing or wrong bearer token', 401, announced);
        return send(res, 401, { error: 'missing or wrong bearer token for this Agent Lane session' });
      }
      const body = await readJson(req);
      if (!body.ok) {
        this.refused(route, body.error, route === HOOK_ROUTES.PreToolUse ? 200 : 400, Math.max(announced, body.size));
        return route === HOOK_ROUTES.PreToolUse ? send(res, 200, preDeny(`malformed hook payload: ${body.error}`)) : send(res, 400, { error: body.error });
      }
      const extra = this.opts.extraRoutes?.[route];
      if (extra) {
        const r = await extra(body.value);
        return 'text' in r ? sendText(res, r.status, r.text) : send(res, r.status, r.body);
      }
      switch (route) {
        case HOOK_ROUTES.PreToolUse: return send(res, 200, await this.preToolUse(body.value));
        case HOOK_ROUTES.PostToolUse: return send(res, 200, await this.postToolUse(body.value));
        case HOOK_ROUTES.UserPromptSubmit: return send(res, 200, await this.userPrompt(body.value));
        case HOOK_ROUTES.Stop:
        case HOOK_ROUTES.SessionEnd: return send(res, 200, this.lifecycle(body.value, route));
        case STATUS_ROUTE: return send(res, 200, this.statusLine(body.value));
        default: return send(res, 404, { error: `no route ${route}` });
      }
    } catch (err) {
      // Never fail open: for a tool call, answer deny; for the rest, an error status.
      const reason = err instanceof Error ? err.message : String(err);
      if (route === HOOK_ROUTES.PreToolUse) return send(res, 200, preDeny(`agent lane error: ${reason}`));
      return send(res, 500, { error: reason });
    }
  }

  /** A refused request is traced with its reason and size, never its body (it may be anything). */
  private refused(route: string, reason: string, status: number, size: number): void {
    const state = this.opts.broker.state;
    if (state !== 'running' && state !== 'frozen') return;
    void this.opts.broker.record({ event: 'hook.refused', actor: 'system', route: route.slice(0, 200), reason: reason.slice(0, 300), status, size });
  }

  private checkSession<T extends { session_id: string; transcript_path?: string }>(
    schema: z.ZodType<T>, value: unknown,
  ): { ok: true; p: T } | { ok: false; error: string } {
    const r = schema.safeParse(value);
    if (!r.success) {
      const i = r.error.issues[0];
      return { ok: false, error: `malformed hook payload: ${i.path.join('.') || 'body'}: ${i.message}` };
    }
    if (r.data.session_id !== this.opts.agentSessionId) {
      return { ok: false, error: `hook call for session \`${r.data.session_id}\`, but this lane supervises \`${this.opts.agentSessionId}\`` };
    }
    if (r.data.transcript_path) this.opts.onTranscript?.(r.data.transcript_path);
    return { ok: true, p: r.data };
  }

  private async preToolUse(value: unknown): Promise<unknown> {
    const c = this.checkSession(preToolUseSchema, value);
    if (!c.ok) return preDeny(c.error);
    const p = c.p;
    const answer = await this.opts.broker.preToolUse({
      toolUseId: p.tool_use_id, tool: p.tool_name, input: p.tool_input, cwd: p.cwd, agentId: p.agent_id, agentType: p.agent_type,
    });
    // Claude Code takes allow/deny here; we never answer `ask` (headless it means deny, and the
    // broker has already waited for the human).
    const out: Record<string, unknown> = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: answer.decision === 'allow' ? 'allow' : 'deny',
        permissionDecisionReason: answer.reason,
      },
    };
    return out;
  }

  private async postToolUse(value: unknown): Promise<unknown> {
    const c = this.checkSession(postToolUseSchema, value);
    if (!c.ok) throw new Error(c.error);
    const p = c.p;
    await this.opts.broker.postToolUse({
      toolUseId: p.tool_use_id, ok: p.hook_event_name === 'PostToolUse', exitCode: exitCodeOf(p), agentId: p.agent_id,
    });
    return {};
  }

  private async userPrompt(value: unknown): Promise<unknown> {
    const c = this.checkSession(userPromptSchema, value);
    if (!c.ok) return { decision: 'block', reason: c.error };
    const blocked = await this.opts.broker.promptSubmitted(c.p.prompt);
    return blocked ? { decision: 'block', reason: `Agent Lane: ${blocked}` } : {};
  }

  private lifecycle(value: unknown, route: string): unknown {
    const c = this.checkSession(lifecycleSchema, value);
    if (!c.ok) throw new Error(c.error);
    if (route === HOOK_ROUTES.SessionEnd) this.opts.onSessionEnd?.(String((value as { reason?: unknown }).reason ?? 'session end'));
    return {};
  }

  private statusLine(value: unknown): unknown {
    const c = this.checkSession(statusLineSchema, value);
    if (!c.ok) throw new Error(c.error);
    return { text: this.opts.onStatusLine?.(c.p) ?? '' };
  }
}

function preDeny(reason: string): unknown {
  return {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: `Agent Lane: ${reason}` },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; error: string; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, error: `body larger than ${MAX_BODY} bytes`, size };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (err) {
    return { ok: false, error: `body is not JSON (${(err as Error).message})`, size };
  }
}
