/** The data an auditor bundle is made of; written as JSON next to the traces and rendered in SUMMARY.md. */
import type { TraceEvent } from '../trace/schema';
import type { CommitInfo } from './git';
import type { FileVerdict } from './verifyTraces';

export interface BundlePolicy {
  hash: string;
  /** Where sessions said this text came from (one hash may be pinned under several names). */
  refs: Array<{ layer: string; file: string }>;
  sessions: string[];
  found: boolean;
  from: 'current' | 'git' | null;
  revision: string | null;
  /** Why it was not found. */
  reason: string | null;
  /** `policies/<hash>.yaml` when found. */
  bundlePath: string | null;
}

export interface BundleCommit {
  session_id: string;
  seq: number;
  ts: string;
  commit_sha: string;
  tree: string;
  ack_id: string | null;
  ack: { seq: number; ts: string; ack_by: string; diff_hash: string } | null;
  /** Acked before it was recorded, in a session whose chain verified intact. */
  linked: boolean;
  git: CommitInfo | null;
  git_error: string | null;
  /** Does git's tree of the commit equal the tree the supervisor acknowledged? null without git. */
  tree_matches: boolean | null;
}

export interface BundleSession {
  session_id: string;
  events: readonly TraceEvent[];
  intact: boolean;
  /** Bundle-relative paths of the trace files holding the session. */
  traceFiles: string[];
}

export interface SummaryInput {
  created: string;
  /** How the sessions were chosen, e.g. `--mission M-2026-06-01-ab12`. */
  selection: string;
  sessions: BundleSession[];
  policies: BundlePolicy[];
  commits: BundleCommit[];
  /** Verification of the bundled files (paths bundle-relative). */
  verification: FileVerdict[];
}
