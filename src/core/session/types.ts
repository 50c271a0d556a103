/** The broker's vocabulary: what agents send in, what the broker answers, what the UI sees. */
import type { Action, Decision, Reason } from '../policy/types';
import type { Supervisor } from '../trace/schema';

export type SessionState = 'starting' | 'running' | 'frozen' | 'ended';

/**
 * The session's status with its payload in the same value: a frozen session carries why, by whom
 * and from what cause; an ended one, why it ended.
 */
export type SessionStatus =
  | { state: 'starting' }
  | { state: 'running' }
  | { state: 'frozen'; cause: FreezeCause; by: string; reason: string }
  | { state: 'ended'; reason: string };

/** A tool call normalised from any agent's hook payload. */
export interface ToolCall {
  toolUseId: string;
  tool: string;
  input: unknown;
  cwd?: string;
  /** Subagent id when the call comes from a subagent. */
  agentId?: string;
  agentType?: string;
}

export interface BrokerAnswer {
  decision: Decision;
  /** One line for the agent: the first reason, naming its rule. */
  reason: string;
  reasons: Reason[];
  approvalId?: string;
}

export type ApprovalAnswer =
  | { kind: 'allow-once'; by: string; note?: string }
  | { kind: 'allow-session'; by: string }
  | { kind: 'deny'; by: string; reason: string };

/** A commit waiting for the supervisor's acknowledgement of its staged diff. */
export interface CommitReview {
  /** `git write-tree` of the index: what the ack pins. */
  tree: string;
  /** SHA-256 of the staged diff text. */
  diffHash: string;
  files: Array<{ path: string; status: string }>;
  message: string | null;
}

export interface PendingApproval {
  id: string;
  /** `tool`: a tool call the policy asks about; `commit`: a staged diff waiting for acknowledgement. */
  kind: 'tool' | 'commit';
  commit?: CommitReview;
  toolUseId: string;
  tool: string;
  /** Redacted summary of what the call does (command or paths), safe to show. */
  summary: string;
  actions: Action[];
  reasons: Reason[];
  requestedAt: string;
  /** Who may answer: the session's supervisors. Empty = any human at the surface. */
  answerers: Supervisor[];
  agentId?: string;
}

export interface DecisionRecord {
  seq: number;
  ts: string;
  toolUseId: string;
  tool: string;
  summary: string;
  /** Files the call reads or writes, workspace-relative where inside it (redacted like the trace's `paths`). */
  paths: string[];
  decision: Decision;
  reasons: Reason[];
  agentId?: string;
  approvalId?: string;
}

export interface LimitsStatus {
  toolCalls: number;
  toolCallLimit?: number;
  elapsedMinutes: number;
  minuteLimit?: number;
}

export type FreezeCause = 'supervisor' | 'limit' | 'budget' | 'trace' | 'policy';
