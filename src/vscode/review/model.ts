/**
 * Everything the review panel shows for one commit acknowledgement, as plain data built from
 * plain inputs (the approval, the diff text, the policy, the decisions). Pure, so the whole
 * page model is unit-tested without git or VS Code.
 */
import type { CompiledPolicy } from '../../core/policy/compile';
import type { EvaluationContext } from '../../core/policy/evaluate';
import type { DecisionRecord, PendingApproval } from '../../core/session/types';
import type { DecisionItem, FileView, ReviewModel } from '../webview/protocol/review';
import { fileRows, parseStagedDiff } from './diffRows';
import { pathFlags, secretFlags } from './flags';

export interface ReviewInputs {
  approval: PendingApproval;
  diffText: string;
  /** Why the index no longer matches the approval, if it does not. */
  staleReason?: string;
  policy: CompiledPolicy;
  ctx: EvaluationContext;
  decisions: readonly DecisionRecord[];
  /** Decisions after this time (the previous commit's approval) are "since the last commit". */
  since?: string;
  supervisor: string;
  /** Staged file text by path, to fill the collapsed regions; missing entries stay collapsed-only. */
  contents?: ReadonlyMap<string, readonly string[]>;
}

export function buildReviewModel(i: ReviewInputs): ReviewModel {
  const commit = i.approval.commit;
  const statusByPath = new Map((commit?.files ?? []).map((f) => [f.path, f.status]));
  const files: FileView[] = parseStagedDiff(i.diffText).map((chunk) => {
    const rows = fileRows(chunk.hunks, i.contents?.get(chunk.path));
    return {
      path: chunk.path,
      status: statusByPath.get(chunk.path) ?? chunk.status,
      binary: chunk.binary,
      added: rows.added,
      removed: rows.removed,
      flags: [...pathFlags(chunk.path, i.policy, i.ctx), ...secretFlags(rows.secretLines)],
      unified: rows.unified,
      split: rows.split,
    };
  });
  // Files the approval names but the diff does not show (e.g. a mode-only change) still appear.
  for (const f of commit?.files ?? []) {
    if (files.some((v) => v.path === f.path)) continue;
    files.push({ path: f.path, status: f.status, binary: false, added: 0, removed: 0, flags: pathFlags(f.path, i.policy, i.ctx), unified: [], split: [] });
  }
  return {
    approvalId: i.approval.id,
    requestedAt: i.approval.requestedAt,
    message: commit?.message ?? null,
    tree: commit?.tree ?? '',
    staleReason: i.staleReason,
    files,
    totals: {
      files: files.length,
      added: files.reduce((n, f) => n + f.added, 0),
      removed: files.reduce((n, f) => n + f.removed, 0),
      flagged: files.filter((f) => f.flags.length > 0).length,
    },
    decisions: decisionsSince(i.decisions, i.since, i.approval.requestedAt),
    decisionsSince: i.since,
    supervisor: i.supervisor,
  };
}

/** The session's decisions after `since` and up to the commit request, oldest first. */
export function decisionsSince(all: readonly DecisionRecord[], since: string | undefined, until: string): DecisionItem[] {
  const from = since ? Date.parse(since) : -Infinity;
  const to = Date.parse(until);
  return all
    .filter((d) => { const t = Date.parse(d.ts); return t > from && t <= to; })
    .map((d) => ({ seq: d.seq, ts: d.ts, tool: d.tool, summary: d.summary, decision: d.decision, rule: d.reasons[0]?.rule }));
}

/**
 * Index check: the acknowledgement pins the staged tree, so the panel may only offer it while
 * the index still holds that tree and the diff the agent hashed.
 */
export function staleReason(approval: { tree: string; diffHash: string }, now: { tree: string; diffHash: string }): string | undefined {
  if (now.tree !== approval.tree) {
    return `the staged files changed since the agent asked (index tree ${now.tree.slice(0, 12)}, the commit is for ${approval.tree.slice(0, 12)}): acknowledging would not cover what is staged now`;
  }
  if (now.diffHash !== approval.diffHash) {
    return 'the staged diff no longer hashes to what the agent submitted: re-check before acknowledging';
  }
  return undefined;
}
