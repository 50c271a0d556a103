/**
 * What the gateway reads from an outgoing Messages request: the model asked for, a hash of the
 * prompt, and (with `model.redact: true`) the same request with secrets masked by the trace's
 * rule set. The body is the agent's claim, parsed with zod; only `model` must be there.
 */
import { z } from 'zod';
import { promptHash, redactCommand } from '../trace/redact';

const messagesRequest = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(z.unknown()).optional(),
  system: z.unknown().optional(),
});

export interface ParsedRequest {
  model: string;
  /** Domain-separated SHA-256 of the raw body as the agent sent it (prompt.submitted's domain). */
  promptHash: string;
  /** The JSON value, for redaction. */
  value: Record<string, unknown>;
}

export type ParseRequestResult = { ok: true; request: ParsedRequest } | { ok: false; reason: string };

export function parseMessagesRequest(raw: Buffer): ParseRequestResult {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the request body is not JSON' };
  }
  const parsed = messagesRequest.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'the request names no `model`' };
  return { ok: true, request: { model: parsed.data.model, promptHash: promptHash(raw.toString('utf8')), value: value as Record<string, unknown> } };
}

/**
 * Blocks whose text must reach the upstream byte for byte: thinking is signed by the API (a
 * changed block is rejected), images and documents are data, not prose.
 */
const UNTOUCHED_BLOCKS = new Set(['thinking', 'redacted_thinking', 'image', 'document']);
/** Keys that hold identifiers or structure, never prose a secret could hide in. */
const UNTOUCHED_KEYS = new Set(['type', 'id', 'tool_use_id', 'name', 'signature', 'cache_control', 'media_type', 'role']);

export interface Redaction {
  /** Ids of the rules that fired, sorted, without duplicates (never the secret itself). */
  rules: string[];
  /** How many strings were changed. */
  strings: number;
}

function redactValue(value: unknown, found: Set<string>, counter: { strings: number }): unknown {
  if (typeof value === 'string') {
    const r = redactCommand(value);
    if (r.findings.length === 0) return value;
    for (const f of r.findings) found.add(f);
    counter.strings++;
    return r.redacted;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, found, counter));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.type === 'string' && UNTOUCHED_BLOCKS.has(obj.type)) return obj;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = UNTOUCHED_KEYS.has(k) ? v : redactValue(v, found, counter);
    return out;
  }
  return value;
}

/**
 * The request with every secret in `system` and `messages` masked (`[REDACTED:<rule>]`).
 * Deterministic, so a conversation redacted the same way each turn keeps its prompt cache.
 * Returns undefined when nothing was found (the original bytes go out unchanged).
 */
export function redactRequest(request: ParsedRequest): { body: Buffer; redaction: Redaction } | undefined {
  const found = new Set<string>();
  const counter = { strings: 0 };
  const value = { ...request.value };
  if ('system' in value) value.system = redactValue(value.system, found, counter);
  if ('messages' in value) value.messages = redactValue(value.messages, found, counter);
  if (counter.strings === 0) return undefined;
  return { body: Buffer.from(JSON.stringify(value), 'utf8'), redaction: { rules: [...found].sort(), strings: counter.strings } };
}
