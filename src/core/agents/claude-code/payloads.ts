/**
 * Claude Code hook payloads (measured on 2.1.330, fixtures in test/fixtures/claude-code/hooks).
 * Loose objects: the CLI adds fields between versions and we must not break on them; the
 * fields we rely on are required and typed.
 */
import { z } from 'zod';

const common = {
  session_id: z.string().min(1),
  transcript_path: z.string().optional(),
  cwd: z.string().min(1).optional(),
  permission_mode: z.string().optional(),
  hook_event_name: z.string(),
  agent_id: z.string().min(1).optional(),
  agent_type: z.string().optional(),
};

export const preToolUseSchema = z.looseObject({
  ...common,
  hook_event_name: z.literal('PreToolUse'),
  tool_name: z.string().min(1),
  tool_input: z.unknown(),
  tool_use_id: z.string().min(1),
});

export const postToolUseSchema = z.looseObject({
  ...common,
  hook_event_name: z.enum(['PostToolUse', 'PostToolUseFailure']),
  tool_name: z.string().min(1),
  tool_use_id: z.string().min(1),
  tool_response: z.unknown().optional(),
  error: z.unknown().optional(),
});

export const userPromptSchema = z.looseObject({
  ...common,
  hook_event_name: z.literal('UserPromptSubmit'),
  prompt: z.string(),
});

export const lifecycleSchema = z.looseObject({ ...common });

/** statusLine input (interactive mode only): the CLI's own cost estimate. */
export const statusLineSchema = z.looseObject({
  session_id: z.string().min(1),
  transcript_path: z.string().optional(),
  model: z.looseObject({ id: z.string().optional(), display_name: z.string().optional() }).optional(),
  cost: z.looseObject({ total_cost_usd: z.number().nonnegative().optional() }).optional(),
});

export type PreToolUsePayload = z.infer<typeof preToolUseSchema>;
export type PostToolUsePayload = z.infer<typeof postToolUseSchema>;
export type StatusLinePayload = z.infer<typeof statusLineSchema>;

/** Exit code of a finished tool call, when the response tells one. */
export function exitCodeOf(p: PostToolUsePayload): number | null {
  const r = p.tool_response;
  if (r && typeof r === 'object') {
    for (const key of ['exit_code', 'exitCode', 'code']) {
      const v = (r as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isInteger(v)) return v;
    }
    const interrupted = (r as Record<string, unknown>).interrupted;
    if (interrupted === true) return 130;
  }
  return p.hook_event_name === 'PostToolUseFailure' ? 1 : p.tool_name === 'Bash' ? 0 : null;
}
