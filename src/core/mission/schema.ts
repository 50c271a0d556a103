/**
 * A mission: one bounded task, reviewed in git as `.agentlane/missions/<id>.yaml`.
 * The mission form is generated from this schema and the CLI validates with it, so both
 * give the same messages. A mission can only narrow the policy: it becomes the lowest layer.
 */
import { z } from 'zod';
import picomatch from 'picomatch';
import { modeSchema } from '../policy/schema';
import { describeError } from '../common/errors';

const glob = z.string().min(1, 'empty glob').superRefine((value, ctx) => {
  try {
    picomatch.makeRe(value, { dot: true, strictBrackets: true });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `bad glob \`${value}\`: ${describeError(err)}` });
  }
});

export const personSchema = z.strictObject({
  name: z.string().trim().min(1, 'name is required'),
  email: z.email('a valid email is required'),
});

export const MISSION_ID = /^M-[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9]{4,12}$/;

export const missionSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }),
  id: z.string().regex(MISSION_ID, 'id must look like `M-2026-11-21-ab12`'),
  title: z.string().trim().min(3, 'title needs at least 3 characters').max(120, 'title is at most 120 characters')
    .describe('Title'),
  outcome: z.string().trim().min(10, 'describe the outcome in at least 10 characters')
    .describe('Outcome: what is true when the mission is done'),
  intentOwner: personSchema.describe('Intent owner: accountable for the outcome'),
  supervisors: z.array(personSchema).min(1, 'at least one supervisor is required')
    .describe('Supervisors: watch the session, answer approvals, acknowledge commits'),
  mode: modeSchema.describe('Mode'),
  scope: z.strictObject({
    write: z.array(glob).optional().describe('Write scope (globs)'),
    deny: z.array(glob).optional().describe('Extra denied paths'),
    protect: z.array(glob).optional().describe('Protected paths (writes need approval)'),
  }).default({}),
  budget: z.strictObject({
    usd: z.number().positive('the USD cap must be positive').optional().describe('Budget (USD)'),
    tokens: z.number().int().positive('the token cap must be a positive integer').optional().describe('Budget (tokens)'),
  }).default({}),
  limits: z.strictObject({
    minutes: z.number().positive('minutes must be positive').optional().describe('Session time limit (minutes)'),
    toolCalls: z.number().int().positive('tool calls must be a positive integer').optional().describe('Tool-call limit'),
  }).default({}),
  expires: z.iso.datetime({ offset: true, error: 'expires must be an ISO date-time, e.g. 2026-12-01T00:00:00Z' }).optional()
    .describe('Expires (TTL)'),
  model: z.string().regex(/^[a-z0-9][a-z0-9.\-[\]]*$/i, 'model must be a model id such as `claude-sonnet-4-5`').optional()
    .describe('Model pin'),
  acceptance: z.string().trim().min(1).optional().describe('Acceptance command'),
  classification: z.enum(['public', 'internal', 'confidential', 'restricted']).describe('Data classification'),
  risk: z.enum(['low', 'medium', 'high']).describe('Risk tier'),
  attribution: z.strictObject({
    team: z.string().trim().min(1).optional(),
    valueStream: z.string().trim().min(1).optional(),
    costCenter: z.string().trim().min(1).optional(),
  }).default({}).describe('FinOps attribution'),
});

export type Mission = z.infer<typeof missionSchema>;
