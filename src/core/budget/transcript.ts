/**
 * The part of a Claude Code transcript line the budget needs, parsed with zod at the boundary.
 *
 * Facts this relies on (docs/claude-code-facts.md "Transcripts"): one API response is written as
 * several `type:"assistant"` lines sharing `message.id` (one per content block), each
 * repeating the full usage; newer CLIs write `requestRef` instead of `requestId`. Everything
 * else on a line (content, cwd, git branch …) is ignored and never validated.
 */
import { z } from 'zod';

const tokenCount = z.number().int().nonnegative();
const optionalCount = tokenCount.nullish();

export const transcriptUsageSchema = z.object({
  input_tokens: optionalCount,
  output_tokens: optionalCount,
  cache_creation_input_tokens: optionalCount,
  cache_read_input_tokens: optionalCount,
  cache_creation: z
    .object({
      ephemeral_5m_input_tokens: optionalCount,
      ephemeral_1h_input_tokens: optionalCount,
    })
    .nullish(),
});

export const assistantLineSchema = z.object({
  type: z.literal('assistant'),
  message: z.object({
    id: z.string().min(1),
    model: z.string().min(1),
    usage: transcriptUsageSchema,
  }),
  isSidechain: z.boolean().nullish(),
  agentId: z.string().nullish(),
  // Identifiers we only use when they are strings; an unexpected shape must not cost us the line.
  requestId: z.unknown().optional(),
  requestRef: z.unknown().optional(),
  sessionId: z.string().nullish(),
  timestamp: z.string().nullish(),
});

export type AssistantLine = z.infer<typeof assistantLineSchema>;

/** Billable tokens of one response, split the way they are priced. */
export interface TokenCounts {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** One assistant line reduced to what the meter counts. */
export interface UsageRecord {
  /** Identity of the API response: `message.id`, plus the request id/ref when present. */
  key: string;
  model: string;
  sidechain: boolean;
  agentId?: string;
  sessionId?: string;
  timestamp?: string;
  tokens: TokenCounts;
}

export type LineResult =
  | { kind: 'usage'; record: UsageRecord }
  | { kind: 'ignored' }
  | { kind: 'bad'; reason: string };

function tokensOf(usage: AssistantLine['message']['usage']): TokenCounts {
  const creation = usage.cache_creation_input_tokens ?? 0;
  const write1h = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  // Older CLIs report only the total: all of it was a 5-minute write. When the split and the
  // total disagree, the larger reading wins so a malformed split never hides tokens.
  const write5m = Math.max(usage.cache_creation?.ephemeral_5m_input_tokens ?? 0, creation - write1h);
  return {
    input: usage.input_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    cacheWrite5m: write5m,
    cacheWrite1h: write1h,
    cacheRead: usage.cache_read_input_tokens ?? 0,
  };
}

/** Map a parsed JSON value (one transcript line) to a usage record. */
export function usageFromLine(value: unknown): LineResult {
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'assistant') {
    // user / summary / progress / system lines: nothing billable at the top level.
    return { kind: 'ignored' };
  }
  const parsed = assistantLineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'bad', reason: `assistant line without usable \`${issue.path.join('.')}\`: ${issue.message.toLowerCase()}` };
  }
  const line = parsed.data;
  const request = typeof line.requestId === 'string' ? line.requestId : typeof line.requestRef === 'string' ? line.requestRef : '';
  const record: UsageRecord = {
    key: request ? `${line.message.id}:${request}` : line.message.id,
    model: line.message.model,
    sidechain: line.isSidechain === true,
    tokens: tokensOf(line.message.usage),
  };
  if (line.agentId) record.agentId = line.agentId;
  if (line.sessionId) record.sessionId = line.sessionId;
  if (line.timestamp) record.timestamp = line.timestamp;
  return { kind: 'usage', record };
}

/** Parse one raw line. Never throws: a corrupt line is reported, not fatal. */
export function parseTranscriptLine(text: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: 'line is not valid json' };
  }
  return usageFromLine(value);
}
