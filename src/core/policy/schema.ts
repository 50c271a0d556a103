/**
 * Policy file format v1 (`.agentlane/policy.yaml` and the managed / mission layers).
 * The keys of the v1 contract are fixed; new keys may be added, never changed.
 * Strict objects: an unknown key is an error, because a typo such as `deny_paths`
 * silently loosening a policy is the worst failure a governance file can have.
 */
import { z } from 'zod';
import picomatch from 'picomatch';
import { priceOverridesSchema } from '../budget/prices';
import { modelSectionSchema } from './modelSchema';
import { describeError } from '../common/errors';

const decision = z.enum(['allow', 'ask', 'deny']);
export const modeSchema = z.enum(['coach', 'build', 'ship']);
export const tierSchema = z.enum(['T0', 'T1', 'T2']);

/** A path glob, validated by compiling it the way the engine will. */
const glob = z.string().min(1, 'empty glob').superRefine((value, ctx) => {
  try {
    picomatch.makeRe(value, { dot: true, strictBrackets: true });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `bad glob \`${value}\`: ${describeError(err)}` });
  }
  if (value.includes('\0')) ctx.addIssue({ code: 'custom', message: 'glob contains a NUL byte' });
});

/** A host pattern: `example.com`, `*.example.com` (subdomains only), an IP literal, optional `:port`. */
const hostPattern = z.string().regex(
  /^(\*\.)?[a-z0-9_.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$|^\*$/i,
  'host pattern must look like `example.com`, `*.example.com` or an IP address',
);

const shellPattern = z.string().min(1, 'empty shell pattern');

export const pathsSchema = z.strictObject({
  deny: z.array(glob).optional().describe('never read nor written by the agent'),
  protect: z.array(glob).optional().describe('reads allowed; writes need approval (ask)'),
  write: z.array(glob).optional().describe('in build/ship, writes only here (empty or absent = whole workspace)'),
});

export const shellSchema = z.strictObject({
  deny: z.array(shellPattern).optional(),
  ask: z.array(shellPattern).optional(),
  allow: z.array(shellPattern).optional(),
  otherwise: decision.optional().describe('decision for commands no rule names (default allow)'),
  unanalyzable: decision.optional().describe('decision for commands that cannot be analysed (default deny)'),
});

export const networkSchema = z.strictObject({
  allow: z.array(hostPattern).optional(),
  deny: z.array(hostPattern).optional(),
  otherwise: decision.optional().describe('decision for hosts no rule names (default deny)'),
  webSearch: decision.optional().describe('decision for the WebSearch tool (default: network.otherwise)'),
});

export const mcpSchema = z.strictObject({
  tiers: z.record(z.string().min(1), tierSchema).optional()
    .describe('server (or server__tool) → tier; T0 allow and log, T1 ask, T2 deny'),
  otherwise: tierSchema.optional().describe('tier for servers not listed (default T2)'),
});

export const toolsSchema = z.strictObject({
  allow: z.array(z.string().min(1)).optional().describe('extra tool names Agent Lane does not know, allowed'),
  ask: z.array(z.string().min(1)).optional(),
  deny: z.array(z.string().min(1)).optional(),
});

export const budgetSchema = z.strictObject({
  usd: z.number().positive().optional(),
  tokens: z.number().int().positive().optional(),
  onUnknown: z.enum(['freeze', 'warn']).optional()
    .describe('what happens when the meter cannot tell the spend (default freeze); `freeze` also stops a model with no known price instead of estimating it'),
  usdPerDay: z.number().nonnegative().optional()
    .describe('USD cap over every session of this machine in one UTC day (from the local traces); the model gateway refuses requests past it'),
  usdPerMission: z.number().nonnegative().optional()
    .describe('USD cap over every session of the mission (from the local traces); the model gateway refuses requests past it'),
});

export const limitsSchema = z.strictObject({
  minutes: z.number().positive().optional(),
  toolCalls: z.number().int().positive().optional(),
  processes: z.number().int().min(8, 'limits.processes below 8 leaves the agent unable to run a shell').optional()
    .describe('most processes the agent and everything it starts may have at once (sandbox; default 512)'),
  memoryMb: z.number().int().min(256, 'limits.memoryMb below 256 cannot run an agent CLI').optional()
    .describe('memory cap in MB for the agent and everything it starts (sandbox; default 8192)'),
});

/**
 * `on` (default): the agent runs in an OS sandbox generated from the policy; no sandbox, no session.
 * `off`: no sandbox (recorded in the trace, shown in the UI and reports). `required`: like `on`, and
 * no layer may say `off` (an organisation pins it in the managed layer).
 */
export const sandboxSchema = z.enum(['on', 'off', 'required']);

export const commitsSchema = z.strictObject({
  requireAck: z.boolean().optional(),
});

/** One approved agent CLI (issue 13): which CLI, which versions (a semver range), which models (globs). */
export const agentEntrySchema = z.strictObject({
  kind: z.enum(['claude-code', 'gemini', 'codex']).describe('the agent CLI'),
  versions: z.string().min(1).optional()
    .describe('semver range of approved versions, e.g. ">=0.61.0 <0.62.0" (default: any)'),
  models: z.array(z.string().min(1)).optional()
    .describe('approved model ids, globs allowed, e.g. ["gemini-2.5-*"] (default: any)'),
});

export const policySchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }),
  mode: modeSchema.optional(),
  paths: pathsSchema.optional(),
  shell: shellSchema.optional(),
  network: networkSchema.optional(),
  mcp: mcpSchema.optional(),
  tools: toolsSchema.optional(),
  budget: budgetSchema.optional(),
  limits: limitsSchema.optional(),
  commits: commitsSchema.optional(),
  sandbox: sandboxSchema.optional()
    .describe('on (default): the agent runs in an OS sandbox from this policy; off: no sandbox (recorded and shown); required: no layer may turn it off'),
  model: modelSectionSchema.optional()
    .describe('model traffic through the session\'s gateway: allowed models, upstream, prompt redaction'),
  agents: z.array(agentEntrySchema).optional()
    .describe('approved-agent catalog: only these CLIs, versions and models start a session (every layer that has one must approve the agent)'),
  prices: priceOverridesSchema.optional()
    .describe('price table overrides (USD per million tokens) for the budget meter: { models: { <id>: {input, output, cacheWrite5m, cacheWrite1h, cacheRead} }, fallback }'),
});

export type PolicyDocument = z.infer<typeof policySchema>;
