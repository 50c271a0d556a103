/**
 * Gemini CLI hook payloads (measured on 0.61.0). Loose objects: the CLI adds fields between
 * versions; the fields we rely on are required. BeforeTool carries no tool-call id.
 */
import { z } from 'zod';

export const beforeToolSchema = z.looseObject({
  session_id: z.string().min(1),
  transcript_path: z.string().optional(),
  cwd: z.string().min(1).optional(),
  hook_event_name: z.literal('BeforeTool'),
  timestamp: z.string().optional(),
  tool_name: z.string().min(1),
  tool_input: z.unknown(),
});

export type BeforeToolPayload = z.infer<typeof beforeToolSchema>;
