/**
 * Codex CLI hook payloads (measured on 0.171.0). `exec_command` arrives as tool_name `Bash`
 * with `{command}`; `apply_patch` carries the patch text in `tool_input.command`. The workdir
 * the model chose for `exec_command` is NOT in the payload.
 */
import { z } from 'zod';

export const preToolUseSchema = z.looseObject({
  session_id: z.string().min(1),
  turn_id: z.string().optional(),
  transcript_path: z.string().nullish(),
  cwd: z.string().min(1).optional(),
  hook_event_name: z.literal('PreToolUse'),
  model: z.string().optional(),
  permission_mode: z.string().optional(),
  tool_name: z.string().min(1),
  tool_input: z.unknown(),
  tool_use_id: z.string().min(1),
});

export type CodexPreToolUse = z.infer<typeof preToolUseSchema>;
