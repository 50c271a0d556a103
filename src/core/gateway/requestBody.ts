/**
 * What the gateway reads from an outgoing Messages request: the model asked for, a hash of the
 * prompt, and (with `model.redact: true`) the same request with secrets masked by the trace's
 * rule set. The body is the agent's claim, parsed with zod; only `model` must be there.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PROMPT_DOMAIN } from '../trace/canonical';
import { redactCommand } from '../trace/redact';
import { topLevelString } from './topLevelKey';

const modelId = z.string().trim().min(1).max(200);

export interface ParsedRequest {
  model: string;
  /** Domain-separated SHA-256 of the raw body as the agent sent it (prompt.submitted's domain). */
  promptHash: string;
  /** The raw body, parsed only when something needs the whole value (redaction). */
  raw: Buffer;
}

export type ParseRequestResult = { ok: true; request: ParsedRequest } | { ok: false; reason: string };

/**
 * The model and prompt hash of a Messages request. Only the top-level `model` is read (a byte
 * scan, see topLevelKey.ts): the whole body is parsed only for redaction.
 */
export function parseMessagesRequest(raw: Buffer): ParseRequestResult {
  const model = topLevelString(raw, 'model');
  if (!model.ok) return { ok: false, reason: model.reason };
  const parsed = modelId.safeParse(model.value);
  if (!parsed.success) return { ok: false, reason: 'the request names no `model`' };
  const hash = createHash('sha256').update(PROMPT_DOMAIN, 'utf8').update(raw).digest('hex');
  return { ok: true, request: { model: parsed.data, promptHash: hash, raw } };
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

/**
 * Each turn re-sends the whole history, so almost every string was seen last turn: remember
 * the verdicts (bounded by total characters; cleared when full) and scan only what is new.
 */
const MEMO_MAX_CHARS = 64 * 1024 * 1024;
const memo = new Map<string, { redacted: string; findings: string[] }>();
let memoChars = 0;

function redactString(text: string): { redacted: string; findings: string[] } {
  const hit = memo.get(text);
  if (hit) return hit;
  const r = redactCommand(text);
  const verdict = { redacted: r.redacted, findings: r.findings };
  if (memoChars + text.length > MEMO_MAX_CHARS) {
    memo.clear();
    memoChars = 0;
  }
  memo.set(text, verdict);
  memoChars += text.length;
  return verdict;
}

function redactValue(value: unknown, found: Set<string>, counter: { strings: number }): unknown {
  if (typeof value === 'string') {
    const r = redactString(value);
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
  // Throws on a body that is not JSON after all: the gateway then refuses it (fail closed).
  const value = JSON.parse(request.raw.toString('utf8')) as Record<string, unknown>;
  if ('system' in value) value.system = redactValue(value.system, found, counter);
  if ('messages' in value) value.messages = redactValue(value.messages, found, counter);
  if (counter.strings === 0) return undefined;
  return { body: Buffer.from(JSON.stringify(value), 'utf8'), redaction: { rules: [...found].sort(), strings: counter.strings } };
}
