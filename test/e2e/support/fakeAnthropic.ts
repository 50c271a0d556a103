// A scripted fake of the Anthropic Messages API, good enough for the real Claude Code CLI
// (measured against 2.1.330, see docs/claude-code-facts.md). It lets e2e tests drive the agent
// deterministically and offline, and inspect everything the CLI sent to "the model" — e.g. that a
// file a policy denied never reached it (tool results travel in the *next* request's messages).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface ToolUseSpec {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a deterministic `toolu_fake_<n>`. */
  id?: string;
}

export interface TurnCommon {
  usage?: Usage;
  /** The `model` reported in the response; defaults to the model the request asked for. */
  model?: string;
  /** Hold the response this long before streaming (latency / timeout tests). */
  delayMs?: number;
}

/** One scripted assistant turn: final text, or tool calls (optionally preceded by text). */
export type Turn =
  | (TurnCommon & { text: string; toolUses?: undefined; httpError?: undefined })
  | (TurnCommon & { toolUses: ToolUseSpec[]; text?: string; httpError?: undefined })
  | (TurnCommon & { httpError: { status: number; type: string; message: string }; text?: undefined; toolUses?: undefined });

export interface Conversation {
  /**
   * Which requests belong to this conversation: a substring (or RegExp) of the *first* user
   * message's text. The conversation without `match` is the main one. Subagents (Agent tool) open
   * their own conversation whose first user message is the prompt the parent gave them.
   */
  match?: string | RegExp;
  turns: Turn[];
}

export interface FakeAnthropicOptions {
  /** Turns for the main conversation (shorthand for `conversations: [{ turns }]`). */
  script?: Turn[];
  conversations?: Conversation[];
  /** Answer for side requests (title generation, bash-prefix checks, WebFetch summaries …). */
  sideText?: string;
  /** Usage reported when a turn gives none. */
  defaultUsage?: Usage;
  /** Close automatically after this long without a request (default 120 s). */
  idleTimeoutMs?: number;
  /** Close automatically after this long in any case (default 15 min). */
  overallTimeoutMs?: number;
}

export type RequestKind = 'turn' | 'side' | 'count_tokens' | 'other';

export interface RecordedRequest {
  seq: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (`undefined` when there was none or it was not JSON). */
  body: unknown;
  kind: RequestKind;
  /** For kind 'turn': which conversation (index into conversations) and which turn answered it. */
  conversation?: number;
  turnIndex?: number;
  /** True when the conversation's script had run out and a fallback "done" text was sent. */
  overrun?: boolean;
  receivedAt: number;
}

export interface ToolResultRecord {
  tool_use_id: string;
  /** Name of the tool_use this answers, when it was found in the history. */
  toolName?: string;
  is_error: boolean;
  /** Content flattened to text (text blocks joined with "\n"; other blocks as JSON). */
  content: string;
  raw: unknown;
}

export interface FakeAnthropic {
  /** e.g. `http://127.0.0.1:41234` — pass as ANTHROPIC_BASE_URL. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests that consumed (or overran) a script turn. */
  turnRequests(): RecordedRequest[];
  sideRequests(): RecordedRequest[];
  /** Every distinct tool_result block the CLI sent back, in order of first appearance. */
  toolResults(): ToolResultRecord[];
  /** All text the CLI sent in requests (to assert a secret never reached the model). */
  allRequestText(): string;
  close(): Promise<void>;
}

// --- request parsing (zod: the body is untrusted input) -------------------------------------

const contentBlock = z.looseObject({ type: z.string() });
const message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentBlock)]),
});
const messagesBody = z.looseObject({
  model: z.string(),
  messages: z.array(message),
  system: z.union([z.string(), z.array(z.looseObject({ text: z.string().optional() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string().optional() })).optional(),
  max_tokens: z.number().optional(),
  stream: z.boolean().optional(),
});
type MessagesBody = z.infer<typeof messagesBody>;

const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  is_error: z.boolean().optional(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
});
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string() });
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

function firstUserText(body: MessagesBody): string {
  const first = body.messages.find((m) => m.role === 'user');
  if (!first) return '';
  if (typeof first.content === 'string') return first.content;
  return first.content
    .map((b) => textBlock.safeParse(b))
    .filter((r) => r.success)
    .map((r) => r.data.text)
    .join('\n');
}

/**
 * Side requests are the CLI's own housekeeping calls (title generation, bash command-prefix
 * detection, WebFetch page summaries, …). They carry no tools; a real agent turn always does.
 * They must not consume script turns, or every test would depend on which side calls a CLI
 * version happens to make.
 */
function isSideRequest(body: MessagesBody): boolean {
  return !body.tools || body.tools.length === 0;
}

// --- SSE / JSON response building -----------------------------------------------------------

type OutBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function usageOf(u: Usage): Required<Usage> {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  };
}

function writeSse(res: http.ServerResponse, id: string, model: string, blocks: OutBlock[], stopReason: string, usage: Usage): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${id}` });
  const ev = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  const u = usageOf(usage);
  // Like the real API: message_start carries the input side and a provisional output count …
  ev('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } },
  });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
      ev('content_block_delta', { index, delta: { type: 'text_delta', text: b.text } });
    } else {
      ev('content_block_start', { index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      // Split the JSON in two deltas: the CLI must reassemble partial_json like with the real API.
      const json = JSON.stringify(b.input);
      const cut = Math.floor(json.length / 2);
      for (const part of [json.slice(0, cut), json.slice(cut)]) {
        ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    }
    ev('content_block_stop', { index });
  });
  // … and message_delta the final cumulative usage.
  ev('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: u });
  ev('message_stop', {});
  res.end();
}

function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function apiError(res: http.ServerResponse, status: number, type: string, message: string): void {
  writeJson(res, status, { type: 'error', error: { type, message } });
}

// --- server -----------------------------------------------------------------------------------

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const conversations: Conversation[] = opts.conversations ?? [];
  if (opts.script) conversations.push({ turns: opts.script });
  if (!conversations.some((c) => c.match === undefined)) conversations.push({ turns: [] });
  const defaultUsage = opts.defaultUsage ?? { input_tokens: 100, output_tokens: 20 };
  const requests: RecordedRequest[] = [];
  let toolSeq = 0;
  let msgSeq = 0;

  const pickConversation = (body: MessagesBody): number => {
    const text = firstUserText(body);
    const idx = conversations.findIndex((c) =>
      c.match === undefined ? false : typeof c.match === 'string' ? text.includes(c.match) : c.match.test(text),
    );
    return idx >= 0 ? idx : conversations.findIndex((c) => c.match === undefined);
  };

  const respondMessages = async (rec: RecordedRequest, res: http.ServerResponse): Promise<void> => {
    const parsed = messagesBody.safeParse(rec.body);
    if (!parsed.success) {
      apiError(res, 400, 'invalid_request_error', 'fake: body is not a Messages request');
      return;
    }
    const body = parsed.data;
    const id = `msg_fake_${++msgSeq}`;
    let turn: Turn;
    if (isSideRequest(body)) {
      rec.kind = 'side';
      turn = { text: opts.sideText ?? 'ok', usage: { input_tokens: 10, output_tokens: 2 } };
    } else {
      rec.kind = 'turn';
      const ci = pickConversation(body);
      // Stateless turn index: one assistant message per answered turn. A CLI retry of the same
      // request therefore gets the same answer instead of skipping a turn.
      const turnIndex = body.messages.filter((m) => m.role === 'assistant').length;
      rec.conversation = ci;
      rec.turnIndex = turnIndex;
      const scripted = conversations[ci]?.turns[turnIndex];
      if (scripted) turn = scripted;
      else {
        rec.overrun = true;
        turn = { text: 'done (fake script exhausted)' };
      }
    }
    if (turn.delayMs) await new Promise((r) => setTimeout(r, turn.delayMs));
    if (turn.httpError) {
      apiError(res, turn.httpError.status, turn.httpError.type, turn.httpError.message);
      return;
    }
    const blocks: OutBlock[] = [];
    if (turn.text !== undefined && turn.text !== '') blocks.push({ type: 'text', text: turn.text });
    for (const t of turn.toolUses ?? []) {
      blocks.push({ type: 'tool_use', id: t.id ?? `toolu_fake_${String(++toolSeq).padStart(4, '0')}`, name: t.name, input: t.input });
    }
    const stopReason = turn.toolUses && turn.toolUses.length > 0 ? 'tool_use' : 'end_turn';
    const model = turn.model ?? body.model;
    const usage = turn.usage ?? defaultUsage;
    if (body.stream) writeSse(res, id, model, blocks, stopReason, usage);
    else {
      writeJson(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage: usageOf(usage) });
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      armIdle();
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const url = req.url ?? '/';
      const path = url.split('?')[0];
      const rec: RecordedRequest = { seq: requests.length + 1, method: req.method ?? '', url, headers: req.headers, body, kind: 'other', receivedAt: Date.now() };
      requests.push(rec);
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        rec.kind = 'count_tokens';
        writeJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
      } else if (req.method === 'POST' && path === '/v1/messages') {
        respondMessages(rec, res).catch((e: unknown) => apiError(res, 500, 'api_error', `fake: ${String(e)}`));
      } else {
        apiError(res, 404, 'not_found_error', `fake: no route for ${req.method ?? ''} ${path}`);
      }
    });
  });

  // Safety nets: a forgotten server must never outlive the test run. Timers are unref'd so they
  // don't keep mocha alive on their own.
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), opts.idleTimeoutMs ?? 120_000);
    idleTimer.unref();
  };
  const overallTimer = setTimeout(() => void close(), opts.overallTimeoutMs ?? 15 * 60_000);
  overallTimer.unref();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      if (idleTimer) clearTimeout(idleTimer);
      clearTimeout(overallTimer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  armIdle();
  const { port } = server.address() as AddressInfo;

  const turnRequests = (): RecordedRequest[] => requests.filter((r) => r.kind === 'turn');
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    turnRequests,
    sideRequests: () => requests.filter((r) => r.kind === 'side'),
    toolResults: () => collectToolResults(turnRequests().map((r) => r.body)),
    allRequestText: () => requests.map((r) => JSON.stringify(r.body ?? null)).join('\n'),
    close,
  };
}

/** Tool results from the histories of several requests, deduplicated by tool_use_id. */
export function collectToolResults(bodies: unknown[]): ToolResultRecord[] {
  const seen = new Map<string, ToolResultRecord>();
  const names = new Map<string, string>();
  for (const b of bodies) {
    const parsed = messagesBody.safeParse(b);
    if (!parsed.success) continue;
    for (const m of parsed.data.messages) {
      if (typeof m.content === 'string') continue;
      for (const block of m.content) {
        const tu = toolUseBlock.safeParse(block);
        if (tu.success) names.set(tu.data.id, tu.data.name);
        const tr = toolResultBlock.safeParse(block);
        if (!tr.success || seen.has(tr.data.tool_use_id)) continue;
        const c = tr.data.content;
        const content = c === undefined ? '' : typeof c === 'string' ? c : c.map((x) => (x.type === 'text' ? (x.text ?? '') : JSON.stringify(x))).join('\n');
        seen.set(tr.data.tool_use_id, { tool_use_id: tr.data.tool_use_id, toolName: names.get(tr.data.tool_use_id), is_error: tr.data.is_error === true, content, raw: block });
      }
    }
  }
  return [...seen.values()];
}
