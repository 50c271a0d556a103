/**
 * The commit review panel's wire protocol, shared by the host (src/vscode/review) and the page
 * (media/review.ts). Page → host messages are zod schemas: the host parses every one and drops
 * (and logs) whatever does not match exactly. An answer must also name the approval the panel
 * shows and that approval must still be pending: the host checks that after parsing.
 * Host → page messages are plain types: the host builds them, the page trusts them.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Page → host
// ---------------------------------------------------------------------------------------------

export const MAX_NOTE_CHARS = 2000;

export const ReviewApprovalId = z.string().regex(/^ap-[0-9a-f]{1,64}$/, 'not an approval id');

export const ReviewPageMessage = z.discriminatedUnion('type', [
  /** The page (re)loaded and wants the model. */
  z.strictObject({ type: z.literal('ready') }),
  /** Re-read the index: has it changed since the agent asked? */
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({
    type: z.literal('acknowledge'),
    approvalId: ReviewApprovalId,
    note: z.string().max(MAX_NOTE_CHARS).optional(),
  }),
  z.strictObject({
    type: z.literal('requestChanges'),
    approvalId: ReviewApprovalId,
    reason: z.string().max(MAX_NOTE_CHARS).refine((r) => r.trim().length > 0, 'a reason is required: it goes back to the agent'),
  }),
]);
export type ReviewPageMessage = z.infer<typeof ReviewPageMessage>;

// ---------------------------------------------------------------------------------------------
// Host → page
// ---------------------------------------------------------------------------------------------

export type LineType = 'add' | 'del' | 'ctx';

export interface DiffLine {
  type: LineType;
  oldNo?: number;
  newNo?: number;
  /** Secrets are already masked by the host. */
  text: string;
  /** Secret rule ids found on this (added) line. */
  secrets?: string[];
  /** `\ No newline at end of file` follows this line. */
  noEol?: boolean;
}

/** Unchanged lines between hunks. `lines` is present when the host could read them (expandable). */
export interface GapRow { kind: 'gap'; count: number; lines?: Array<{ oldNo: number; newNo: number; text: string }> }
export interface LineRow { kind: 'line'; line: DiffLine }
export type UnifiedRow = GapRow | LineRow;

/** Side by side: a deletion and an addition at the same place share a row. */
export interface PairRow { kind: 'pair'; left?: DiffLine; right?: DiffLine }
export type SplitRow = GapRow | PairRow;

export type FlagKind = 'protected' | 'outside-scope' | 'denied' | 'secret';

export interface FileFlag {
  kind: FlagKind;
  /** The rule id (`paths.protect[0]`, `aws-access-token`, …). */
  rule: string;
  /** One line a person can act on; never holds a secret in full. */
  message: string;
  /** For secrets: the new-side line number. */
  line?: number;
}

export interface FileView {
  path: string;
  /** git status letter: A, M, D, T … */
  status: string;
  binary: boolean;
  added: number;
  removed: number;
  flags: FileFlag[];
  unified: UnifiedRow[];
  split: SplitRow[];
}

export interface DecisionItem {
  seq: number;
  ts: string;
  tool: string;
  summary: string;
  decision: 'allow' | 'ask' | 'deny';
  rule?: string;
}

export type ReviewStatus =
  | { state: 'pending' }
  /** This panel answered. */
  | { state: 'answered'; outcome: 'acknowledged' | 'changes-requested'; by: string; text?: string }
  /** Answered elsewhere, timed out, frozen or the session ended. */
  | { state: 'gone'; message: string };

export interface ReviewModel {
  approvalId: string;
  requestedAt: string;
  message: string | null;
  tree: string;
  /** Empty when the index still holds the tree the agent asked about; otherwise why not. */
  staleReason?: string;
  files: FileView[];
  totals: { files: number; added: number; removed: number; flagged: number };
  decisions: DecisionItem[];
  /** Since when the decisions are listed (ISO), or undefined for the session start. */
  decisionsSince?: string;
  supervisor: string;
}

export type ReviewHostMessage =
  | { type: 'model'; model: ReviewModel; status: ReviewStatus }
  | { type: 'status'; status: ReviewStatus }
  | { type: 'loading'; approvalId: string }
  | { type: 'error'; message: string };
