// Scripted fakes of the two other model wires, started by the tests: Gemini
// `POST /v1beta/models/<m>:streamGenerateContent?alt=sse` and OpenAI Responses `POST /v1/responses`
// (SSE), good enough for the real Gemini CLI 0.61 and Codex CLI 0.171. Each request that offers
// tools is one main turn and takes the next scripted step; everything the CLI sent is recorded,
// so a test can assert that a denied file's content never reached "the model".
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted model turn: one tool call, or a final text. */
export type AgentTurn = ({ tool: string; args: Record<string, unknown> } | { text: string }) & {
  /** Hold the answer this long (lets a test act between two tool calls). */
  delayMs?: number;
};

export interface FakeModel {
  url: string;
  /** Raw bodies of every request, in order. */
  bodies: string[];
  /** Main turns served so far. */
  turns: () => number;
  allText: () => string;
  close: () => Promise<void>;
}

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: http.Server; bodies: string[] }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      try {
        handler(req, body, res);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, bodies };
}

function closer(server: http.Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

function sse(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}

function later(ms: number | undefined, fn: () => void): void {
  if (ms) setTimeout(fn, ms);
  else fn();
}

// ---------------------------------------------------------------- Gemini

export async function startFakeGemini(script: AgentTurn[]): Promise<FakeModel> {
  let turn = 0;
  const usage = { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 };
  const { url, server, bodies } = await serve((req, body, res) => {
    const u = req.url ?? '';
    const model = /models\/([^:/?]+)/.exec(u)?.[1] ?? 'gemini-2.5-flash';
    const parsed = body ? (JSON.parse(body) as { tools?: unknown[] }) : {};
    const main = u.includes(':streamGenerateContent') && Array.isArray(parsed.tools) && parsed.tools.length > 0;
    const step: AgentTurn = main && turn < script.length ? script[turn++] : { text: main ? 'done' : '{"reasoning":"ok","next_speaker":"user"}' };
    const parts = 'tool' in step ? [{ functionCall: { name: step.tool, args: step.args } }] : [{ text: step.text }];
    const chunk = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, modelVersion: model };
    later(step.delayMs, () => {
    if (u.includes(':countTokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totalTokens: 100 }));
    } else if (u.includes('alt=sse')) sse(res, [{ data: chunk }]);
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(chunk));
    }
    });
  });
  return { url, bodies, turns: () => turn, allText: () => bodies.join('\n'), close: closer(server) };
}

// ---------------------------------------------------------------- OpenAI Responses (Codex)

interface ResponsesTool { type?: string; name?: string }

export async function startFakeResponses(script: AgentTurn[]): Promise<FakeModel> {
  let turn = 0;
  let seq = 0;
  const { url, server, bodies } = await serve((req, body, res) => {
    const u = req.url ?? '';
    if (!u.startsWith('/v1/responses')) {
      res.writeHead(u.startsWith('/v1/models') ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(u.startsWith('/v1/models') ? { object: 'list', data: [] } : { error: { message: `no route ${u}` } }));
      return;
    }
    const parsed = JSON.parse(body) as { model?: string; tools?: ResponsesTool[] };
    const main = Array.isArray(parsed.tools) && parsed.tools.length > 0;
    const step: AgentTurn = main && turn < script.length ? script[turn++] : { text: 'done' };
    const id = `resp_fake_${++seq}`;
    let item: Record<string, unknown>;
    if ('tool' in step) {
      const callId = `call_fake_${seq}`;
      const offered = parsed.tools?.find((t) => t.name === step.tool);
      if (offered?.type === 'custom') {
        item = { type: 'custom_tool_call', id: `ctc_${seq}`, status: 'completed', call_id: callId, name: step.tool, input: String(step.args.input ?? '') };
      } else {
        item = { type: 'function_call', id: `fc_${seq}`, status: 'completed', call_id: callId, name: step.tool, arguments: JSON.stringify(step.args) };
      }
    } else {
      item = { type: 'message', id: `msg_${seq}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: step.text, annotations: [] }] };
    }
    const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 120 };
    const response = { id, object: 'response', model: parsed.model ?? 'gpt-5.5', status: 'completed', output: [item], usage };
    later(step.delayMs, () => sse(res, [
      { event: 'response.created', data: { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } } },
      { event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: 0, item } },
      { event: 'response.completed', data: { type: 'response.completed', response } },
    ]));
  });
  return { url, bodies, turns: () => turn, allText: () => bodies.join('\n'), close: closer(server) };
}
