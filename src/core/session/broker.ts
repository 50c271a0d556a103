/**
 * One broker per supervised session: the same code in the extension host and in
 * `agentlane run`. It decides every tool call with the policy, applies the session's state,
 * limits and budget, holds `ask` decisions for a human, and writes every event durably to the
 * trace before it answers (invariant 5). When it cannot decide, it denies (invariant 1).
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import type { Decision, Reason, ToolRequest } from '../policy/types';
import type { CompiledPolicy } from '../policy/compile';
import { tightestCap } from '../policy/compile';
import { evaluate, type EvaluationContext } from '../policy/evaluate';
import { canonicalJson } from '../trace/canonical';
import { promptHash, redactText } from '../trace/redact';
import type { Supervisor, TraceEvent, TraceEventInput } from '../trace/schema';
import type { TraceCheckpoint } from '../trace/canonical';
import { Emitter } from '../common/event';
import { ApprovalQueue } from './approvals';
import { summariseCall } from './summary';
import { sessionGate, sessionReason } from './gate';
import type {
  ApprovalAnswer, BrokerAnswer, CommitReview, DecisionRecord, FreezeCause, LimitsStatus, PendingApproval, SessionState, SessionStatus, ToolCall,
} from './types';

/** The trace as the broker needs it (TraceWriter satisfies it). */
export interface TraceSink {
  append(input: TraceEventInput): Promise<TraceEvent>;
  checkpoint(): TraceCheckpoint;
  close(): Promise<void>;
}

/** Budget state asked on every decision (issue: budget meter). */
export interface BudgetGate {
  /** Lets the meter catch up with the spend of the turn that made this call (bounded wait). */
  settle?(toolUseId: string): Promise<void>;
  status(): { state: 'ok' | 'warn' | 'exceeded' | 'unknown'; reason?: string; freezeOnUnknown?: boolean };
}

export interface BrokerOptions {
  sessionId: string;
  missionId: string | null;
  supervisor: Supervisor | null;
  /** Who may answer approvals; defaults to the supervisor. */
  answerers?: Supervisor[];
  policy: CompiledPolicy;
  policyFiles: Array<{ layer: Reason['layer']; file: string; hash: string }>;
  ctx: EvaluationContext;
  trace: TraceSink;
  agent: { name: string; version: string };
  modelId: string | null;
  extensionVersion: string;
  approvalTimeoutMs?: number;
  budget?: BudgetGate;
  now?: () => number;
}

const READ_ONLY_KINDS = new Set(['file.read']);
const MAX_RECENT = 10000;

export class SessionBroker {
  private readonly approvals: ApprovalQueue;
  private readonly grants = new Set<string>();
  private readonly acks = new Map<string, { ackId: string; by: string }>();
  private _status: SessionStatus = { state: 'starting' };
  private toolCalls = 0;
  private startedAt = 0;
  private minuteTimer: NodeJS.Timeout | undefined;
  private readonly recent: DecisionRecord[] = [];
  private readonly now: () => number;

  private readonly _onDidDecide = new Emitter<DecisionRecord>();
  readonly onDidDecide = this._onDidDecide.event;
  private readonly _onDidChangeState = new Emitter<{ state: SessionState; reason?: string; status: SessionStatus }>();
  readonly onDidChangeState = this._onDidChangeState.event;
  readonly onDidChangeApprovals;

  constructor(private readonly opts: BrokerOptions) {
    this.approvals = new ApprovalQueue(opts.approvalTimeoutMs ?? 540_000);
    this.onDidChangeApprovals = this.approvals.onDidChange;
    this.now = opts.now ?? Date.now;
  }

  get sessionId(): string { return this.opts.sessionId; }
  get status(): SessionStatus { return this._status; }
  get state(): SessionState { return this._status.state; }
  get frozenBecause(): string | undefined { return this._status.state === 'frozen' ? this._status.reason : undefined; }
  get pendingApprovals(): PendingApproval[] { return this.approvals.pending; }
  get decisions(): readonly DecisionRecord[] { return this.recent; }
  get policy(): CompiledPolicy { return this.opts.policy; }
  get supervisor(): Supervisor | null { return this.opts.supervisor; }
  get missionId(): string | null { return this.opts.missionId; }
  checkpoint(): TraceCheckpoint { return this.opts.trace.checkpoint(); }

  limits(): LimitsStatus {
    return {
      toolCalls: this.toolCalls,
      toolCallLimit: tightestCap(this.opts.policy, (l) => l.limits?.toolCalls)?.value,
      elapsedMinutes: this.startedAt ? (this.now() - this.startedAt) / 60000 : 0,
      minuteLimit: tightestCap(this.opts.policy, (l) => l.limits?.minutes)?.value,
    };
  }

  async start(): Promise<void> {
    if (this._status.state !== 'starting') return;
    await this.opts.trace.append({
      event: 'session.start',
      actor: 'system',
      policy_hash: this.opts.policy.hash,
      policy_files: this.opts.policyFiles,
      agent: this.opts.agent,
      model_id: this.opts.modelId,
      extension_version: this.opts.extensionVersion,
      cwd: this.opts.ctx.workspaceRoot,
      host: os.hostname(),
    });
    this.startedAt = this.now();
    this.setStatus({ state: 'running' });
    const minutes = tightestCap(this.opts.policy, (l) => l.limits?.minutes);
    if (minutes) {
      this.minuteTimer = setTimeout(() => {
        void this.freeze('system', `time limit reached: ${minutes.value} min (${describeRef(minutes.ref)})`, 'limit');
      }, minutes.value * 60000);
      this.minuteTimer.unref?.();
    }
  }

  /** PreToolUse: decide, hold for a human when asked, record, answer. Never throws. */
  async preToolUse(call: ToolCall): Promise<BrokerAnswer> {
    try {
      return await this.decide(call);
    } catch (err) {
      const reason = `agent lane could not decide (${err instanceof Error ? err.message : String(err)}); denied to stay safe`;
      return deny('builtin.error', reason);
    }
  }

  /**
   * evaluate (the policy) → limits and budget (may freeze) → session gate (pure, sessionGate) →
   * a human when asked (askHuman) → the gate again (a freeze outranks an approval) → record.
   */
  private async decide(call: ToolCall): Promise<BrokerAnswer> {
    const req: ToolRequest = { tool: call.tool, input: call.input, cwd: call.cwd };
    // Not started or already over: nothing to evaluate, and no trace to write to.
    const closed = this._status.state === 'starting' || this._status.state === 'ended'
      ? sessionGate({ status: this._status, decision: 'deny', readOnly: false }) : undefined;
    if (closed) return deny(closed.reason.rule, closed.reason.message);

    const evaluation = evaluate(req, this.opts.policy, this.opts.ctx);
    const summary = summariseCall(req, evaluation.actions, this.opts.ctx.workspaceRoot);
    const readOnly = evaluation.actions.every((a) => READ_ONLY_KINDS.has(a.kind));
    this.toolCalls++;

    let decision: Decision = evaluation.decision;
    // Reasons quote the command; secrets in it must not reach the trace or the UI (invariant 6).
    let reasons: Reason[] = evaluation.reasons.map((r) => ({ ...r, message: redactText(r.message) }));
    const override = (d: Decision, r: Reason): void => { decision = d; reasons = [r]; };

    await this.enforceLimits(call);
    const gate = sessionGate({ status: this._status, decision, readOnly });
    if (gate) override(gate.decision, gate.reason);

    let approvalId: string | undefined;
    if (decision === 'ask') {
      const key = grantKey(call);
      if (this.grants.has(key)) {
        override('allow', sessionReason('session.allow-session', 'allowed for this session by the supervisor (same action approved before)'));
      } else {
        const answer = await this.askHuman({
          kind: 'tool', toolUseId: call.toolUseId, tool: call.tool, summary: summary.text, actions: evaluation.actions, reasons,
          agentId: call.agentId, actor: call.agentId ?? 'agent', reason: formatReason(reasons[0]),
        });
        approvalId = answer.id;
        if (answer.answer.kind === 'deny') {
          const who = answer.answer.by === 'system' ? '' : `denied by ${answer.answer.by}: `;
          override('deny', sessionReason('approval.denied', `${who}${answer.answer.reason}`));
        } else {
          if (answer.answer.kind === 'allow-session') this.grants.add(key);
          const how = answer.answer.kind === 'allow-session' ? 'for this session' : 'once';
          reasons = [sessionReason('approval.allowed', `approved ${how} by ${answer.answer.by} (${reasons[0]?.rule ?? 'ask'})`), ...reasons];
          decision = 'allow';
          const late = sessionGate({ status: this._status, decision, readOnly, afterApproval: true });
          if (late) override(late.decision, late.reason);
        }
      }
    }

    const event = await this.record({
      event: 'tool.decision',
      actor: call.agentId ?? 'agent',
      tool_use_id: call.toolUseId,
      tool: call.tool,
      action: summary.action,
      actions: summary.counts,
      cmd_hash: summary.cmdHash,
      cmd_redacted: summary.cmdRedacted,
      paths: summary.paths,
      hosts: summary.hosts,
      decision,
      rules: reasons.map(stripReason),
      policy_hash: this.opts.policy.hash,
      model_id: this.opts.modelId,
      ...(call.agentId ? { agent_id: call.agentId } : {}),
    });
    if (!event) return deny('trace.failed', `the trace could not be written (${this.frozenBecause ?? 'write error'}); denied so nothing goes unrecorded`);

    const record: DecisionRecord = {
      seq: event.seq, ts: event.ts, toolUseId: call.toolUseId, tool: call.tool, summary: summary.text, paths: summary.paths,
      decision, reasons, agentId: call.agentId, approvalId,
    };
    this.recent.push(record);
    if (this.recent.length > MAX_RECENT) this.recent.splice(0, this.recent.length - MAX_RECENT);
    this._onDidDecide.fire(record);
    return { decision, reasons, reason: formatReason(reasons[0]), approvalId };
  }

  /** Limits and budget, checked on every call; crossing one freezes the session with its rule. */
  private async enforceLimits(call: ToolCall): Promise<void> {
    const callLimit = tightestCap(this.opts.policy, (l) => l.limits?.toolCalls);
    if (callLimit && this.toolCalls > callLimit.value && this._status.state === 'running') {
      await this.freeze('system', `tool-call limit reached: ${callLimit.value} of ${callLimit.value} (${describeRef(callLimit.ref)})`, 'limit');
    }
    await this.opts.budget?.settle?.(call.toolUseId);
    const budget = this.opts.budget?.status();
    if (budget && this._status.state === 'running') {
      if (budget.state === 'exceeded') await this.freeze('system', budget.reason ?? 'budget exceeded', 'budget');
      else if (budget.state === 'unknown' && budget.freezeOnUnknown !== false) {
        await this.freeze('system', budget.reason ?? 'the budget meter cannot tell the spend', 'budget');
      }
    }
  }

  /**
   * The one way to a human (tool approvals and commit acknowledgements alike): the request is in
   * the trace before anyone sees it, the answer right after it comes (invariant 5), and only a
   * human surface can answer (invariant 8).
   */
  private async askHuman(q: {
    kind: PendingApproval['kind']; toolUseId: string | null; tool: string; summary: string; actions: PendingApproval['actions'];
    reasons: Reason[]; agentId?: string; actor: string; reason: string; commit?: CommitReview;
  }): Promise<{ id: string; answer: ApprovalAnswer }> {
    const id = ApprovalQueue.newId();
    const requested = await this.record({
      event: 'approval.requested', actor: q.actor, approval_id: id, tool_use_id: q.toolUseId, reason: q.reason,
    });
    if (!requested) return { id, answer: { kind: 'deny', by: 'system', reason: 'the trace could not be written' } };
    const answer = await this.approvals.wait({
      id, kind: q.kind, toolUseId: q.toolUseId ?? '', tool: q.tool, summary: q.summary, actions: q.actions, reasons: q.reasons,
      requestedAt: new Date(this.now()).toISOString(),
      answerers: this.opts.answerers ?? (this.opts.supervisor ? [this.opts.supervisor] : []),
      ...(q.agentId ? { agentId: q.agentId } : {}),
      ...(q.commit ? { commit: q.commit } : {}),
    });
    await this.record({
      event: 'approval.answered', actor: answer.by === 'system' ? 'system' : 'supervisor', approval_id: id,
      answer: answer.kind, by: answer.by, reason: answer.kind === 'deny' ? answer.reason : null,
    });
    return { id, answer };
  }

  /**
   * A commit in this session waits for the supervisor to acknowledge its staged diff. The ack
   * pins the staged tree; a retried commit of the same tree reuses it.
   */
  async requestCommitAck(review: CommitReview): Promise<{ ok: true; ackId: string; by: string } | { ok: false; reason: string }> {
    if (this._status.state !== 'running') return { ok: false, reason: `the session is ${this._status.state}${this.frozenBecause ? `: ${this.frozenBecause}` : ''}` };
    const known = this.acks.get(review.tree);
    if (known) return { ok: true, ...known };
    const asked = await this.askHuman({
      kind: 'commit', commit: review, toolUseId: null, tool: 'git commit', actor: 'agent',
      summary: review.message ? `git commit: ${review.message.split('\n')[0]}` : 'git commit',
      actions: [], reasons: [sessionReason('commits.requireAck', 'commits in a supervised session need the supervisor\'s acknowledgement')],
      reason: `commit of tree ${review.tree.slice(0, 12)} (${review.files.length} file(s)) waits for acknowledgement`,
    });
    const { id, answer } = asked;
    if (answer.kind === 'deny') {
      // A timeout or a freeze is not a person asking for changes: say what happened.
      return { ok: false, reason: answer.by === 'system' ? answer.reason : `changes requested by ${answer.by}: ${answer.reason}` };
    }
    const ack = await this.record({
      event: 'commit.ack', actor: 'supervisor', ack_id: id, tree: review.tree, diff_hash: review.diffHash,
      ack_by: answer.by, note: answer.kind === 'allow-once' ? answer.note ?? null : null,
    });
    if (!ack) return { ok: false, reason: 'the trace could not be written' };
    this.acks.set(review.tree, { ackId: id, by: answer.by });
    return { ok: true, ackId: id, by: answer.by };
  }

  /** post-commit: the commit that came out of an acknowledged tree. */
  async recordCommit(c: { sha: string; tree: string }): Promise<boolean> {
    const ack = this.acks.get(c.tree);
    const ev = await this.record({ event: 'commit.recorded', actor: 'agent', commit_sha: c.sha, tree: c.tree, ack_id: ack?.ackId ?? null });
    return ev !== undefined;
  }

  /** The acknowledgement given for a tree, if any (commit-msg trailers). */
  ackFor(tree: string): { ackId: string; by: string } | undefined {
    return this.acks.get(tree);
  }

  /** Human surfaces only (VS Code UI, headless --approver). Throws ApprovalError for unknown ids. */
  answerApproval(id: string, answer: ApprovalAnswer): void {
    this.approvals.answer(id, answer);
  }

  async postToolUse(r: { toolUseId: string; ok: boolean; exitCode: number | null; agentId?: string }): Promise<void> {
    if (this._status.state === 'ended' || this._status.state === 'starting') return;
    await this.record({ event: 'tool.result', actor: r.agentId ?? 'agent', tool_use_id: r.toolUseId, exit_code: r.exitCode, ok: r.ok });
  }

  /** Only the prompt's hash is kept (invariant 6). Returns a block reason when the session cannot take prompts. */
  async promptSubmitted(prompt: string): Promise<string | undefined> {
    if (this._status.state === 'ended') return 'the supervised session has ended';
    const ok = await this.record({ event: 'prompt.submitted', actor: 'agent', prompt_hash: promptHash(prompt) });
    if (!ok) return 'the trace could not be written';
    return undefined;
  }

  /** Kill switch: every write, exec, network and MCP action is denied from now on. */
  async freeze(by: string, reason: string, cause: FreezeCause = 'supervisor'): Promise<void> {
    if (this._status.state !== 'running') return;
    this.setStatus({ state: 'frozen', cause, by, reason });
    this.approvals.denyAll(by, `session frozen: ${reason}`);
    await this.record({ event: 'session.freeze', actor: by === 'system' ? 'system' : 'supervisor', by, reason });
  }

  async unfreeze(by: string, reason: string | null): Promise<void> {
    if (this._status.state !== 'frozen') return;
    this.setStatus({ state: 'running' });
    await this.record({ event: 'session.unfreeze', actor: 'supervisor', by, reason });
  }

  /** Ends the session and seals the trace. Idempotent. */
  async end(reason: string, exitCode: number | null): Promise<void> {
    if (this._status.state === 'ended') return;
    if (this.minuteTimer) clearTimeout(this.minuteTimer);
    this.approvals.denyAll('system', `session ended: ${reason}`);
    if (this._status.state !== 'starting') {
      await this.record({ event: 'session.end', actor: 'system', reason, exit_code: exitCode });
    }
    this.setStatus({ state: 'ended', reason });
    try {
      await this.opts.trace.close();
    } finally {
      this.approvals.dispose();
    }
  }

  /** Appends durably; on failure freezes (fail closed) and returns undefined. */
  async record(input: TraceEventInput): Promise<TraceEvent | undefined> {
    try {
      return await this.opts.trace.append(input);
    } catch (err) {
      const reason = `trace write failed: ${(err as { reason?: string }).reason ?? (err as Error).message}`;
      if (this._status.state === 'running') this.setStatus({ state: 'frozen', cause: 'trace', by: 'system', reason });
      this.approvals.denyAll('system', reason);
      return undefined;
    }
  }

  private setStatus(status: SessionStatus): void {
    this._status = status;
    this._onDidChangeState.fire({ state: status.state, reason: 'reason' in status ? status.reason : undefined, status });
  }
}

function grantKey(call: ToolCall): string {
  return createHash('sha256').update(`${call.tool}\0${canonicalJson(call.input ?? null)}`).digest('hex');
}

function deny(rule: string, message: string): BrokerAnswer {
  const r: Reason = { decision: 'deny', rule, layer: 'session', message };
  return { decision: 'deny', reasons: [r], reason: formatReason(r) };
}

function stripReason(r: Reason): Reason {
  const out: Reason = { decision: r.decision, rule: r.rule, layer: r.layer, message: r.message };
  if (r.file) out.file = r.file;
  if (r.line) out.line = r.line;
  if (r.column) out.column = r.column;
  return out;
}

/** The one line the agent sees: message plus where the rule lives. */
export function formatReason(r: Reason | undefined): string {
  if (!r) return 'denied by agent lane';
  const where = r.line ? ` (${r.layer} ${r.rule}, ${shortFile(r.file)}:${r.line})` : ` (${r.layer} ${r.rule})`;
  return `Agent Lane: ${r.message}${where}`;
}

function shortFile(f: string | undefined): string {
  if (!f) return '';
  const i = f.lastIndexOf('.agentlane/');
  return i >= 0 ? f.slice(i) : f;
}

export function describeRef(ref: { layer: string; key: string; line?: number }): string {
  const layer = ref.layer === 'workspace' || ref.layer === 'managed' ? 'policy' : ref.layer;
  return `${layer} ${ref.key}${ref.line ? `, line ${ref.line}` : ''}`;
}
