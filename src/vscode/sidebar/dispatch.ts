/**
 * Host side of the sidebar protocol: every message from the page is parsed with zod, checked
 * against the live session (only currently pending approvals, only active policy files) and
 * only then turned into a call on the host. Pure: it takes an interface, never `vscode`, so it
 * runs under plain mocha with hostile input.
 */
import * as path from 'node:path';
import {
  PageMessage, type ApprovalChoice, type DecisionFilter, type HostMessage, type PageMessageType,
} from '../webview/protocol/sidebar';
import { describeError } from '../../core/common/errors';

/** What the sidebar may do to the world. The VS Code adapter implements it; tests fake it. */
export interface SidebarHost {
  /** Invalid or refused messages land here (the output channel), never silently. */
  log(message: string): void;
  post(message: HostMessage): void;
  /** Posts a full snapshot (answer to `ready`). */
  sendSnapshot(): void;
  hasSession(): boolean;
  /** The running session's USD cap and spend, when a session runs. */
  budget(): { cap?: number; spent: number } | undefined;
  pendingApprovals(): ReadonlyArray<{ id: string; kind: 'tool' | 'commit' }>;
  /** Throws when the broker no longer knows the id (answered on another surface meanwhile). */
  answerApproval(id: string, answer: ApprovalChoice, reason: string | undefined): void;
  reviewCommit(approvalId: string): Thenable<unknown>;
  startSession(): Thenable<unknown>;
  /** Kill switch; the host asks for a modal confirmation. */
  freeze(): Thenable<unknown>;
  unfreeze(): Thenable<unknown>;
  stop(): Thenable<unknown>;
  /** Absolute files of the policy layers in force: the only files `openRule` may open. */
  ruleFiles(): readonly string[];
  openFile(file: string, line: number): Thenable<unknown>;
  /** Asks the supervisor to confirm, then raises the session's USD cap. */
  raiseBudget(usd: number): Thenable<unknown>;
  setFilter(filter: DecisionFilter): void;
  createPolicy(): Thenable<unknown>;
  newMission(): Thenable<unknown>;
}

export type DispatchResult =
  | { ok: true; type: PageMessageType }
  | { ok: false; reason: string };

const MAX_LOGGED_CHARS = 200;

/** Parses one raw message from the page and carries it out. Never throws. */
export async function dispatch(raw: unknown, host: SidebarHost): Promise<DispatchResult> {
  const parsed = PageMessage.safeParse(raw);
  if (!parsed.success) {
    const reason = `invalid sidebar message ignored: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')} — ${preview(raw)}`;
    host.log(reason);
    return { ok: false, reason };
  }
  const msg = parsed.data;
  const refuse = (reason: string, level: 'info' | 'error' = 'error'): DispatchResult => {
    host.log(`sidebar ${msg.type} refused: ${reason}`);
    host.post({ type: 'toast', level, message: reason });
    return { ok: false, reason };
  };
  try {
    switch (msg.type) {
      case 'ready':
        host.sendSnapshot();
        break;
      case 'answerApproval': {
        const pending = host.pendingApprovals().find((a) => a.id === msg.approvalId);
        if (!pending) return refuse(`approval \`${msg.approvalId}\` is no longer pending: it was answered elsewhere, timed out or the session ended`, 'info');
        if (pending.kind === 'commit' && msg.answer === 'allow-session') return refuse('a commit is acknowledged once, not for the session');
        host.answerApproval(msg.approvalId, msg.answer, msg.answer === 'deny' ? msg.reason?.trim() : undefined);
        break;
      }
      case 'reviewCommit': {
        const pending = host.pendingApprovals().find((a) => a.id === msg.approvalId);
        if (!pending || pending.kind !== 'commit') return refuse(`\`${msg.approvalId}\` is not a commit waiting for acknowledgement`, 'info');
        await host.reviewCommit(msg.approvalId);
        break;
      }
      case 'openRule': {
        const file = allowedRuleFile(msg.file, host.ruleFiles());
        if (!file) return refuse('only the policy files in force can be opened from the sidebar');
        await host.openFile(file, msg.line);
        break;
      }
      case 'raiseBudget': {
        const budget = host.hasSession() ? host.budget() : undefined;
        if (!budget) return refuse('no supervised session is running', 'info');
        const floor = Math.max(budget.cap ?? 0, budget.spent);
        if (msg.usd <= floor) return refuse(`a raise must go above ${budget.cap !== undefined && budget.cap >= budget.spent ? 'the current cap' : 'the spend so far'} ($${floor.toFixed(2)})`);
        await host.raiseBudget(msg.usd);
        break;
      }
      case 'freeze':
      case 'unfreeze':
      case 'stop':
        if (!host.hasSession()) return refuse('no supervised session is running', 'info');
        await host[msg.type]();
        break;
      case 'startSession':
        await host.startSession();
        break;
      case 'setFilter':
        host.setFilter(msg.filter);
        break;
      case 'createPolicy':
        await host.createPolicy();
        break;
      case 'newMission':
        await host.newMission();
        break;
    }
  } catch (err) {
    return refuse(describeError(err));
  }
  return { ok: true, type: msg.type };
}

/** The allowed file `requested` names, compared after normalisation; undefined if none. */
export function allowedRuleFile(requested: string, allowed: readonly string[]): string | undefined {
  if (requested.includes('\0') || !path.isAbsolute(requested)) return undefined;
  const wanted = path.resolve(requested);
  return allowed.find((f) => path.resolve(f) === wanted);
}

function preview(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}… (${text.length} chars)` : text;
}
