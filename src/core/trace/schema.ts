/**
 * Trace event schemas (zod v4). One event per line; see canonical.ts for the byte layout.
 * Every event shares the envelope; `event` discriminates the rest. Schemas are strict: an
 * unknown key is a schema error, because anything on a line is covered by the hash and must
 * mean something to a reader.
 */
import { z } from 'zod';
import { TRACE_SCHEMAS } from './canonical';
import { trustLabel } from './trust';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
const gitObjectId = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git object id');
const nonEmpty = z.string().min(1);
const count = z.number().int().nonnegative();

export const LayerNameSchema = z.enum(['builtin', 'managed', 'workspace', 'user', 'mission', 'session']);
export const DecisionSchema = z.enum(['allow', 'ask', 'deny']);
/** The primary effect of a call; `agent.spawn` for subagents, `none` for bookkeeping tools (TodoWrite …). */
export const ToolActionSchema = z.enum(['shell.exec', 'file.read', 'file.write', 'net.fetch', 'mcp.call', 'agent.spawn', 'none']);
/** Every Action kind of policy/types.ts, for the per-call summary. */
export const ActionKindSchema = z.enum([
  'file.read', 'file.write', 'shell.exec', 'net.fetch', 'mcp.call', 'agent.spawn', 'unanalyzable', 'self.tamper',
]);
export const SupervisorSchema = z.strictObject({ name: nonEmpty, email: z.string() });
/** "agent" | "supervisor" | "system", or a subagent id (free text the adapter chooses). */
export const ActorSchema = z.union([z.enum(['agent', 'supervisor', 'system']), nonEmpty]);

const envelope = {
  schema: z.enum(TRACE_SCHEMAS),
  /**
   * `"agent"` on events only the agent vouches for (trust.ts); absent on host evidence. From
   * /2 on the label must match the kind (checked below); /1 events never carry it.
   */
  reported_by: z.literal('agent').optional(),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ts: z.iso.datetime(),
  session_id: nonEmpty,
  mission_id: nonEmpty.nullable(),
  actor: ActorSchema,
  supervisor: SupervisorSchema.nullable(),
  prev: hex64,
  hash: hex64,
};

function kind<K extends string, S extends z.ZodRawShape>(event: K, shape: S) {
  return z.strictObject({ ...envelope, event: z.literal(event), ...shape });
}

export const RuleRefSchema = z.strictObject({
  decision: DecisionSchema,
  rule: nonEmpty,
  layer: LayerNameSchema,
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  message: z.string(),
});

export const SessionStartSchema = kind('session.start', {
  policy_hash: hex64,
  policy_files: z.array(z.strictObject({ layer: LayerNameSchema, file: z.string(), hash: hex64 })),
  agent: z.strictObject({ name: nonEmpty, version: z.string() }),
  model_id: z.string().nullable(),
  extension_version: z.string(),
  cwd: z.string(),
  host: z.string(),
});

export const ToolDecisionSchema = kind('tool.decision', {
  tool_use_id: nonEmpty,
  tool: nonEmpty,
  /** The primary effect of the call; `actions` lists everything the analysis found. */
  action: ToolActionSchema,
  actions: z.array(z.strictObject({ kind: ActionKindSchema, count: z.number().int().positive() })),
  /** Hash of the raw command (redact.ts) — null for tools that run no command. */
  cmd_hash: hex64.nullable(),
  cmd_redacted: z.string().nullable(),
  paths: z.array(z.string()),
  hosts: z.array(z.string()),
  decision: DecisionSchema,
  rules: z.array(RuleRefSchema),
  policy_hash: hex64,
  model_id: z.string().nullable(),
  agent_id: nonEmpty.optional(),
});

export const ToolResultSchema = kind('tool.result', {
  tool_use_id: nonEmpty,
  exit_code: z.number().int().nullable(),
  ok: z.boolean(),
});

export const ApprovalRequestedSchema = kind('approval.requested', {
  approval_id: nonEmpty,
  tool_use_id: nonEmpty.nullable(),
  reason: z.string(),
});

export const ApprovalAnsweredSchema = kind('approval.answered', {
  approval_id: nonEmpty,
  answer: z.enum(['allow-once', 'allow-session', 'deny']),
  by: nonEmpty,
  reason: z.string().nullable(),
});

export const SessionFreezeSchema = kind('session.freeze', { by: nonEmpty, reason: z.string() });
export const SessionUnfreezeSchema = kind('session.unfreeze', { by: nonEmpty, reason: z.string().nullable() });

export const BudgetUsageSchema = kind('budget.usage', {
  usage: z.strictObject({ input: count, output: count, cache_write: count, cache_read: count }),
  cost_usd: z.number().nonnegative(),
  /** Where the figure came from, e.g. `transcript`, `statusline`, `result`. */
  source: nonEmpty,
});

export const BudgetRaiseSchema = kind('budget.raise', {
  by: nonEmpty,
  from: z.number().nonnegative(),
  to: z.number().nonnegative(),
});

/** Only the hash of a prompt is kept: prompts may carry secrets (invariant 6). */
export const PromptSubmittedSchema = kind('prompt.submitted', { prompt_hash: hex64 });

export const CommitAckSchema = kind('commit.ack', {
  ack_id: nonEmpty,
  tree: gitObjectId,
  diff_hash: hex64,
  ack_by: nonEmpty,
  note: z.string().nullable(),
});

export const CommitRecordedSchema = kind('commit.recorded', {
  commit_sha: gitObjectId,
  tree: gitObjectId,
  ack_id: nonEmpty.nullable(),
});

/** A head pinned elsewhere (ledger, trailer): `head` is the hash of event `head_seq`. */
export const CheckpointEventSchema = kind('checkpoint', { head: hex64, head_seq: count });

/** Written by the writer when it reopened a file whose last line was torn (crash mid-write). */
export const TraceTornSchema = kind('trace.torn', {
  bytes: count,
  offset: count,
  /** Base name of the sidecar file the torn bytes were moved to. */
  sidecar: nonEmpty,
});

export const SessionEndSchema = kind('session.end', { reason: z.string(), exit_code: z.number().int().nullable() });

/**
 * A commit the lane saw appear on a ref from outside the box (host ref watcher), whatever git
 * path made it. `acknowledged` says whether a person's commit.ack (`ack_id`, `ack_by`) covers
 * its tree; check-commits fails an unacknowledged one even when it carries no trailers.
 */
export const CommitObservedSchema = kind('commit.observed', {
  commit_sha: gitObjectId,
  tree: gitObjectId,
  parents: z.array(gitObjectId),
  ref: nonEmpty,
  ack_id: nonEmpty.nullable(),
  ack_by: nonEmpty.nullable(),
  acknowledged: z.boolean(),
  /** False when the session's policy said `commits.requireAck: false` (absent: required). */
  ack_required: z.boolean().optional(),
});

/** The OS sandbox at session start; `off` only when a policy layer allowed it, with the reason. */
export const SandboxStatusSchema = kind('sandbox.status', {
  state: z.enum(['on', 'off']),
  /** e.g. `bubblewrap`, `sandbox-runtime`, `seatbelt`; `none` when off. */
  backend: nonEmpty,
  reason: z.string(),
});

/** Something the sandbox stopped (where the backend reports it). */
export const SandboxViolationSchema = kind('sandbox.violation', {
  kind: z.enum(['network', 'file', 'process']),
  /** Host, path or program that was refused. */
  target: z.string(),
  detail: z.string(),
});

/** A hook request the lane refused before reading it (wrong token, oversized, malformed). Never the body. */
export const HookRefusedSchema = kind('hook.refused', {
  route: z.string(),
  reason: nonEmpty,
  /** HTTP status answered. */
  status: z.number().int().min(100).max(599),
  /** Request size in bytes as received or announced. */
  size: count,
});

/** Kinds a /1 trace cannot hold: they came with /2. */
const V2_ONLY_KINDS: ReadonlySet<string> = new Set(['commit.observed', 'sandbox.status', 'sandbox.violation', 'hook.refused']);

export const TraceEventSchema = z.discriminatedUnion('event', [
  SessionStartSchema, ToolDecisionSchema, ToolResultSchema, ApprovalRequestedSchema, ApprovalAnsweredSchema,
  SessionFreezeSchema, SessionUnfreezeSchema, BudgetUsageSchema, BudgetRaiseSchema, PromptSubmittedSchema,
  CommitAckSchema, CommitRecordedSchema, CheckpointEventSchema, TraceTornSchema, SessionEndSchema,
  CommitObservedSchema, SandboxStatusSchema, SandboxViolationSchema, HookRefusedSchema,
]).superRefine((e, ctx) => {
  if (e.schema === 'agentlane.trace/1') {
    if (e.reported_by !== undefined) ctx.addIssue({ code: 'custom', path: ['reported_by'], message: 'agentlane.trace/1 events carry no trust label' });
    if (V2_ONLY_KINDS.has(e.event)) ctx.addIssue({ code: 'custom', path: ['event'], message: `${e.event} needs agentlane.trace/2` });
    return;
  }
  if (e.event === 'commit.observed' && e.acknowledged && (e.ack_id === null || e.ack_by === null)) {
    ctx.addIssue({ code: 'custom', path: ['acknowledged'], message: 'an acknowledged commit names its ack_id and ack_by' });
  }
  const want = trustLabel(e);
  if (e.reported_by !== want) {
    ctx.addIssue({
      code: 'custom', path: ['reported_by'],
      message: want ? `${e.event} is only the agent's word: it must carry reported_by "agent"` : `${e.event} is host evidence: it carries no reported_by`,
    });
  }
});

export type TraceEvent = z.infer<typeof TraceEventSchema>;
export type TraceEventKind = TraceEvent['event'];
export type TraceEventOf<K extends TraceEventKind> = Extract<TraceEvent, { event: K }>;
export type Supervisor = z.infer<typeof SupervisorSchema>;
export type RuleRef = z.infer<typeof RuleRefSchema>;
export type SessionStartEvent = TraceEventOf<'session.start'>;
export type ToolDecisionEvent = TraceEventOf<'tool.decision'>;

export const TRACE_EVENT_KINDS: readonly TraceEventKind[] = TraceEventSchema.options.map((o) => o.shape.event.value);

/** Fields the writer fills in; callers never pass them (`reported_by` follows from the kind: trust.ts). */
export type WriterFilledKey = 'schema' | 'seq' | 'ts' | 'session_id' | 'prev' | 'hash' | 'reported_by';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What callers pass to TraceWriter.append. `mission_id` and `supervisor` may be left out: the
 * writer then uses the values it was opened with.
 */
export type TraceEventInput = DistributiveOmit<TraceEvent, WriterFilledKey | 'mission_id' | 'supervisor'> & {
  mission_id?: string | null;
  supervisor?: Supervisor | null;
};
