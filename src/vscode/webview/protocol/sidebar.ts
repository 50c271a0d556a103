/**
 * The sidebar's wire protocol, shared by the host (src/vscode/sidebar) and the page
 * (media/sidebar.ts). Page → host messages are zod schemas: the host parses every message and
 * drops (and logs) anything that does not match exactly — unknown types, extra keys, oversized
 * strings. Host → page messages are plain types: the host builds them, the page trusts them.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Page → host
// ---------------------------------------------------------------------------------------------

export const MAX_REASON_CHARS = 2000;
export const MAX_FILTER_CHARS = 200;
export const MAX_PATH_CHARS = 4096;
export const MAX_RAISE_USD = 1_000_000;

// Every schema is built inside a `/* @__PURE__ */` call so the page bundle, which imports only
// types and constants from here, tree-shakes zod away.

export const ApprovalId = /* @__PURE__ */ approvalIdSchema();
export const ApprovalChoice = /* @__PURE__ */ approvalChoiceSchema();
export type ApprovalChoice = z.infer<typeof ApprovalChoice>;

export const DecisionFilter = /* @__PURE__ */ decisionFilterSchema();
export type DecisionFilter = z.infer<typeof DecisionFilter>;
export const DEFAULT_FILTER: DecisionFilter = { allow: true, ask: true, deny: true, text: '' };

export const PageMessage = /* @__PURE__ */ pageMessageSchema();
export type PageMessage = z.infer<typeof PageMessage>;
export type PageMessageType = PageMessage['type'];

// ---------------------------------------------------------------------------------------------
// Host → page
// ---------------------------------------------------------------------------------------------

export type Verdict = 'allow' | 'ask' | 'deny';
export type SessionStateView = 'starting' | 'running' | 'frozen' | 'ended';
export type Mode = 'coach' | 'build' | 'ship';

/** Where a decision's rule lives; `file` + `line` make it a link (the host re-checks the file). */
export interface RuleView {
  rule: string;
  layer: string;
  message: string;
  file?: string;
  line?: number;
}

export interface DecisionView {
  seq: number;
  /** ISO time. */
  ts: string;
  tool: string;
  summary: string;
  decision: Verdict;
  rule?: RuleView;
  agentId?: string;
}

export interface ApprovalView {
  id: string;
  kind: 'tool' | 'commit';
  tool: string;
  summary: string;
  requestedAt: string;
  /** The rules that asked; the first is the one shown. */
  rules: RuleView[];
  /** Commit acknowledgements: the staged files. */
  files?: Array<{ path: string; status: string }>;
  commitMessage?: string | null;
  agentId?: string;
}

export type BudgetLevel = 'ok' | 'warn' | 'exceeded' | 'unknown';

export interface BudgetView {
  usd: number;
  usdCap?: number;
  tokens: number;
  tokenCap?: number;
  /** The most severe level over the caps; `unknown` when the spend cannot be told. */
  level: BudgetLevel;
  /** 0..∞ spend / cap of the tightest cap, for the gauge. */
  ratio?: number;
  /** Why the spend is unknown. */
  unknown?: string;
  source: 'transcript' | 'cli' | 'both';
  crossCheck?: { agree: boolean; deltaPct: number };
  raisedBy?: string;
}

/** Whether the agent runs in the OS sandbox, and what the box allows (README "The two walls"). */
export interface SandboxView {
  state: 'on' | 'off';
  /** `sandboxed (bubblewrap)` or `NOT sandboxed: <reason>`. */
  headline: string;
  /** What the box allows, section by section (writable, masked, reachable, limits, notes). */
  sections: Array<{ title: string; lines: string[] }>;
}

export interface SessionView {
  sessionId: string;
  title: string;
  mission?: { id: string; title: string };
  mode: Mode;
  supervisor: string;
  state: SessionStateView;
  frozenBecause?: string;
  endedBecause?: string;
  elapsedMinutes: number;
  minuteLimit?: number;
  toolCalls: number;
  toolCallLimit?: number;
  budget?: BudgetView;
  sandbox: SandboxView;
}

export interface PolicyView {
  /** False when the workspace has no policy file yet. */
  present: boolean;
  mode?: Mode;
  problems: number;
  /** First problem, one line, for the empty state. */
  firstProblem?: string;
}

/** Everything the header, approvals and empty state need (no decisions). */
export interface StateView {
  hasWorkspace: boolean;
  policy: PolicyView;
  session: SessionView | null;
  approvals: ApprovalView[];
}

export type HostMessage =
  /** Full state: sent in answer to `ready` and when the session changes. Replaces the feed. */
  | { type: 'snapshot'; state: StateView; decisions: DecisionView[]; filter: DecisionFilter }
  /** Header and approvals changed. */
  | { type: 'state'; state: StateView }
  /** Batched feed appends, oldest first, for the session named. */
  | { type: 'decisions'; sessionId: string; items: DecisionView[] }
  /** A short message for the supervisor (e.g. an approval already answered elsewhere). */
  | { type: 'toast'; level: 'info' | 'error'; message: string };

export const FEED_CAPACITY = 10_000;

// ---------------------------------------------------------------------------------------------
// Schema factories (see the note above PageMessage)
// ---------------------------------------------------------------------------------------------

function approvalIdSchema() {
  return z.string().regex(/^ap-[0-9a-f]{1,64}$/, 'not an approval id');
}

function approvalChoiceSchema() {
  return z.enum(['allow-once', 'allow-session', 'deny']);
}

function decisionFilterSchema() {
  return z.strictObject({
    allow: z.boolean(),
    ask: z.boolean(),
    deny: z.boolean(),
    text: z.string().max(MAX_FILTER_CHARS),
  });
}

function pageMessageSchema() {
  const bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });
  return z.discriminatedUnion('type', [
    /** The page (re)loaded and wants a full snapshot. */
    bare('ready'),
    z.strictObject({
      type: z.literal('answerApproval'),
      approvalId: ApprovalId,
      answer: ApprovalChoice,
      reason: z.string().max(MAX_REASON_CHARS).optional(),
    }).refine((m) => m.answer !== 'deny' || (m.reason ?? '').trim().length > 0, {
      message: 'a deny needs a reason for the agent', path: ['reason'],
    }),
    /** Opens the commit review panel for a pending commit acknowledgement. */
    z.strictObject({ type: z.literal('reviewCommit'), approvalId: ApprovalId }),
    bare('startSession'),
    bare('freeze'),
    bare('unfreeze'),
    bare('stop'),
    z.strictObject({
      type: z.literal('openRule'),
      file: z.string().min(1).max(MAX_PATH_CHARS),
      line: z.number().int().min(1).max(10_000_000),
    }),
    z.strictObject({
      type: z.literal('raiseBudget'),
      usd: z.number().finite().positive().max(MAX_RAISE_USD),
    }),
    z.strictObject({ type: z.literal('setFilter'), filter: DecisionFilter }),
    bare('createPolicy'),
    bare('newMission'),
  ]);
}
