/**
 * Pending approvals: an `ask` waits here until a human answers or the timeout denies it.
 * Answers come only from human surfaces (invariant 8): this queue has no transport of its own.
 */
import { randomBytes } from 'node:crypto';
import { Emitter } from '../common/event';
import type { ApprovalAnswer, PendingApproval } from './types';

export class ApprovalError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ApprovalError';
  }
  static is(e: unknown): e is ApprovalError {
    return e instanceof ApprovalError;
  }
}

interface Waiter {
  approval: PendingApproval;
  resolve: (a: ApprovalAnswer) => void;
  timer: NodeJS.Timeout;
}

export class ApprovalQueue {
  private readonly waiting = new Map<string, Waiter>();
  private readonly _onDidChange = new Emitter<readonly PendingApproval[]>();
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly timeoutMs: number) {}

  static newId(): string {
    return `ap-${randomBytes(6).toString('hex')}`;
  }

  get pending(): PendingApproval[] {
    return [...this.waiting.values()].map((w) => w.approval);
  }

  has(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Resolves with the human's answer, or a deny when nobody answers in time. */
  wait(approval: PendingApproval): Promise<ApprovalAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle(approval.id, {
          kind: 'deny', by: 'system',
          reason: `no supervisor answered within ${Math.round(this.timeoutMs / 1000)} s`,
        });
      }, this.timeoutMs);
      timer.unref?.();
      this.waiting.set(approval.id, { approval, resolve, timer });
      this._onDidChange.fire(this.pending);
    });
  }

  /** Called by a human surface. Throws ApprovalError when the id is not pending. */
  answer(id: string, answer: ApprovalAnswer): void {
    if (!this.waiting.has(id)) throw new ApprovalError(`approval \`${id}\` is not pending (already answered, timed out or unknown)`);
    this.settle(id, answer);
  }

  /** Denies everything still waiting, e.g. when the session freezes or ends. */
  denyAll(by: string, reason: string): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, { kind: 'deny', by, reason });
  }

  private settle(id: string, answer: ApprovalAnswer): void {
    const w = this.waiting.get(id);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(id);
    w.resolve(answer);
    this._onDidChange.fire(this.pending);
  }

  dispose(): void {
    this.denyAll('system', 'session closed');
    this._onDidChange.dispose();
  }
}
