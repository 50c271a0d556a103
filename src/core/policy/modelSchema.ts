/**
 * The policy's `model:` section (v1, additive): which models the agent may use, where the
 * session's model gateway forwards, and whether prompts are redacted. Enforced by
 * src/core/gateway; declared here so the policy schema depends on nothing above it.
 */
import { z } from 'zod';

const modelPattern = z.string().trim().min(1, 'empty model pattern').max(200)
  .regex(/^[A-Za-z0-9*?._:@[\]/-]+$/, 'model pattern must look like `claude-opus-5-5` or `claude-sonnet-*`');

export const modelSectionSchema = z.strictObject({
  allow: z.array(modelPattern).optional()
    .describe('models the agent may use (globs such as `claude-sonnet-*`); absent = any; every layer that lists models must allow it'),
  upstream: z.url({ protocol: /^https?$/, error: 'upstream must be an http(s) URL, e.g. `https://api.anthropic.com` or a LiteLLM proxy' }).optional()
    .describe('where the model gateway forwards requests (default: the lane\'s ANTHROPIC_BASE_URL, else https://api.anthropic.com)'),
  redact: z.boolean().optional()
    .describe('mask secrets in outgoing prompts with the trace\'s rule set (the trace keeps a hash and the rule ids)'),
});

export type ModelSection = z.infer<typeof modelSectionSchema>;
