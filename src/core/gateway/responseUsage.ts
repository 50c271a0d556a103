/**
 * Metering one Messages API response from the bytes the upstream sent, as they pass through.
 *
 * Streaming (SSE): `message_start` carries the message id, the model and the input side of the
 * usage (input, cache writes, cache reads) with a provisional output count; each
 * `message_delta` carries the cumulative usage so far. The final figure is the largest value
 * seen per token class, so a stream cut short still counts what the upstream reported.
 * A plain JSON response carries the whole usage at once.
 *
 * Everything read here is untrusted upstream output: parsed with zod, never thrown on.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { z } from 'zod';
import type { TokenCounts } from '../budget/transcript';

const count = z.number().int().nonnegative().nullish();
const usageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }).nullish(),
});
type WireUsage = z.infer<typeof usageSchema>;

const messageSchema = z.looseObject({
  id: z.string().min(1),
  model: z.string().min(1),
  usage: usageSchema.nullish(),
  content: z.array(z.looseObject({ type: z.string(), id: z.string().optional() })).nullish(),
});
const messageStart = z.looseObject({ type: z.literal('message_start'), message: messageSchema });
const messageDelta = z.looseObject({ type: z.literal('message_delta'), usage: usageSchema.nullish() });
const blockStart = z.looseObject({
  type: z.literal('content_block_start'),
  content_block: z.looseObject({ type: z.string(), id: z.string().optional() }),
});

const SKIPPED_EVENTS = new Set(['content_block_delta', 'content_block_stop', 'ping']);

export interface MeteredResponse {
  /** The upstream's message id: the identity that makes each response count once. */
  messageId: string;
  model: string;
  tokens: TokenCounts;
  /** tool_use ids the model emitted in this response (links the request to the tool calls). */
  toolUseIds: string[];
  /** The stream ended with `message_stop` (or the JSON body was whole). */
  complete: boolean;
}

function tokensOf(u: WireUsage): TokenCounts {
  const creation = u.cache_creation_input_tokens ?? 0;
  const write1h = u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  // Same rule as the transcript reader: a split that disagrees with the total never hides tokens.
  const write5m = Math.max(u.cache_creation?.ephemeral_5m_input_tokens ?? 0, creation - write1h);
  return {
    input: u.input_tokens ?? 0,
    output: u.output_tokens ?? 0,
    cacheWrite5m: write5m,
    cacheWrite1h: write1h,
    cacheRead: u.cache_read_input_tokens ?? 0,
  };
}

function grow(into: TokenCounts, seen: TokenCounts): void {
  for (const k of Object.keys(into) as Array<keyof TokenCounts>) into[k] = Math.max(into[k], seen[k]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Fed the (decoded) response bytes chunk by chunk; `result()` once the response ended. */
export class ResponseMeter {
  private readonly parser: EventSourceParser | undefined;
  private readonly decoder = new TextDecoder();
  private readonly jsonChunks: string[] = [];
  private messageId: string | undefined;
  private model: string | undefined;
  private readonly tokens: TokenCounts = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
  private readonly toolUseIds: string[] = [];
  private stopped = false;

  constructor(readonly streaming: boolean) {
    if (streaming) {
      this.parser = createParser({
        onEvent: (e) => {
          // Text and tool-input deltas are the bulk of a stream and carry no usage: skip their
          // JSON. An event without a name is parsed (fail closed: never miss a usage).
          if (e.event !== undefined && SKIPPED_EVENTS.has(e.event)) return;
          this.onEvent(e.data);
        },
      });
    }
  }

  feed(chunk: Buffer): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.parser) this.parser.feed(text);
    else this.jsonChunks.push(text);
  }

  /** What the response reported; undefined when it carried no message id, model or usage. */
  result(): MeteredResponse | undefined {
    const tail = this.decoder.decode();
    if (this.parser) {
      if (tail) this.parser.feed(tail);
    } else {
      this.jsonChunks.push(tail);
      this.readWhole(this.jsonChunks.join(''));
    }
    if (!this.messageId || !this.model) return undefined;
    return { messageId: this.messageId, model: this.model, tokens: { ...this.tokens }, toolUseIds: [...this.toolUseIds], complete: this.stopped };
  }

  private onEvent(data: string): void {
    const value = parseJson(data);
    const type = (value as { type?: unknown } | undefined)?.type;
    if (type === 'message_start') {
      const m = messageStart.safeParse(value);
      if (!m.success) return;
      this.messageId = m.data.message.id;
      this.model = m.data.message.model;
      if (m.data.message.usage) grow(this.tokens, tokensOf(m.data.message.usage));
    } else if (type === 'message_delta') {
      const d = messageDelta.safeParse(value);
      if (d.success && d.data.usage) grow(this.tokens, tokensOf(d.data.usage));
    } else if (type === 'content_block_start') {
      const b = blockStart.safeParse(value);
      if (b.success && b.data.content_block.type === 'tool_use' && b.data.content_block.id) this.toolUseIds.push(b.data.content_block.id);
    } else if (type === 'message_stop') {
      this.stopped = true;
    }
  }

  private readWhole(text: string): void {
    const m = messageSchema.safeParse(parseJson(text));
    if (!m.success || !m.data.usage) return;
    this.messageId = m.data.id;
    this.model = m.data.model;
    grow(this.tokens, tokensOf(m.data.usage));
    for (const block of m.data.content ?? []) if (block.type === 'tool_use' && block.id) this.toolUseIds.push(block.id);
    this.stopped = true;
  }
}
