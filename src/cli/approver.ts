/**
 * Headless approvals (invariant 8): an explicit `--approver CMD` run by the lane itself, never
 * by the agent. CMD gets the pending approval as JSON on stdin and answers on stdout with a
 * JSON object `{"answer":"allow-once|allow-session|deny","reason":"…","by":"…"}` or a line
 * `allow-once|allow-session|deny [reason]`. Anything else, a crash or a timeout denies.
 * Commit acknowledgements (`kind: "commit"`) come the same way; `check-commits` only accepts
 * an ack given by a person, so a headless approver should answer with `"by": "Name <email>"`.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { z } from 'zod';
import type { ApprovalAnswer, PendingApproval } from '../core/session/types';

const jsonAnswer = z.object({
  answer: z.enum(['allow-once', 'allow', 'allow-session', 'deny']),
  reason: z.string().optional(),
  by: z.string().min(1).optional(),
});

export function parseApproverOutput(stdout: string, defaultBy: string): ApprovalAnswer {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'deny', by: 'system', reason: 'approver printed invalid JSON' };
    }
    const r = jsonAnswer.safeParse(value);
    if (!r.success) return { kind: 'deny', by: 'system', reason: 'approver answer must be allow-once, allow-session or deny' };
    const by = r.data.by ?? defaultBy;
    if (r.data.answer === 'deny') return { kind: 'deny', by, reason: r.data.reason ?? 'denied by the approver' };
    return { kind: r.data.answer === 'allow-session' ? 'allow-session' : 'allow-once', by };
  }
  const [word, ...rest] = text.split(/\s+/);
  switch (word) {
    case 'allow':
    case 'allow-once': return { kind: 'allow-once', by: defaultBy };
    case 'allow-session': return { kind: 'allow-session', by: defaultBy };
    case 'deny': return { kind: 'deny', by: defaultBy, reason: rest.join(' ') || 'denied by the approver' };
    default: return { kind: 'deny', by: 'system', reason: `approver answered \`${word ?? ''}\`; expected allow-once, allow-session or deny` };
  }
}

export function runApprover(cmd: string, approval: PendingApproval, timeoutMs: number): Promise<ApprovalAnswer> {
  const defaultBy = `approver:${os.userInfo().username}`;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let settled = false;
    const done = (a: ApprovalAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ kind: 'deny', by: 'system', reason: `approver did not answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { out += d; });
    child.on('error', (err) => done({ kind: 'deny', by: 'system', reason: `approver could not start: ${err.message}` }));
    child.on('close', (code) => {
      if (code !== 0) return done({ kind: 'deny', by: 'system', reason: `approver exited with ${code}` });
      done(parseApproverOutput(out, defaultBy));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({
      id: approval.id, kind: approval.kind, commit: approval.commit ?? null, tool: approval.tool, summary: approval.summary, toolUseId: approval.toolUseId,
      reasons: approval.reasons, agentId: approval.agentId ?? null,
    }));
  });
}
