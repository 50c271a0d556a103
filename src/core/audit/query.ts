/**
 * "How did the agent change file Y on day Z?" as a pure function over sessions' events: every
 * tool decision that named the path, with the rule that decided it, the human approval that
 * gated it, its result and the commit that carried the change (when the trace links one).
 */
import * as path from 'node:path';
import type { RuleRef, TraceEvent, TraceEventOf } from '../trace/schema';
import { denyRule } from './report';

export interface PathQuery {
  /** Absolute, or relative to the session's working directory (a trailing-path match). */
  path: string;
  /** [start, end) in ms on the event's timestamp. */
  range?: { start: number; end: number };
}

/** Files a commit changed, as git names them (relative to the repository root), when known. */
export type CommitFilesLookup = (sha: string) => readonly string[] | undefined;

export interface PathHit {
  ts: string;
  session_id: string;
  mission_id: string | null;
  supervisor: string | null;
  seq: number;
  actor: string;
  tool: string;
  action: string;
  tool_use_id: string;
  command: string | null;
  paths: string[];
  decision: 'allow' | 'ask' | 'deny';
  /** The rule that decided the call (for a deny, the denying rule). */
  rule: string | null;
  rules: RuleRef[];
  approval: { approval_id: string; answer: string | null; by: string | null; reason: string | null } | null;
  result: { ok: boolean; exit_code: number | null } | null;
  /** `confirmed` when git says the commit changed the path; otherwise the next commit of the session. */
  commit: { sha: string; tree: string; ack_id: string | null; ack_by: string | null; confirmed: boolean } | null;
}

const norm = (p: string): string => path.posix.normalize(p.replace(/\\/g, '/'));

export function pathMatches(eventPath: string, query: string, cwd: string): boolean {
  const e = norm(eventPath);
  const q = norm(query);
  const abs = (p: string): string => (path.posix.isAbsolute(p) ? p : path.posix.join(norm(cwd), p));
  if (abs(e) === abs(q)) return true;
  return !path.posix.isAbsolute(q) && e.endsWith(`/${q}`);
}

function commitFor(hit: TraceEventOf<'tool.decision'>, matched: string[], events: readonly TraceEvent[], cwd: string, files: CommitFilesLookup): PathHit['commit'] {
  let candidate: PathHit['commit'] = null;
  for (const e of events) {
    if (e.event !== 'commit.recorded' || e.seq <= hit.seq) continue;
    const ack = events.find((a): a is TraceEventOf<'commit.ack'> => a.event === 'commit.ack' && a.seq < e.seq && a.tree === e.tree);
    const link = { sha: e.commit_sha, tree: e.tree, ack_id: e.ack_id, ack_by: ack?.ack_by ?? null };
    const changed = files(e.commit_sha);
    if (changed === undefined) {
      candidate ??= { ...link, confirmed: false };
    } else if (changed.some((f) => matched.some((p) => pathMatches(p, f, cwd)))) {
      return { ...link, confirmed: true };
    }
  }
  return candidate;
}

export function queryPath(sessions: ReadonlyArray<readonly TraceEvent[]>, q: PathQuery, files: CommitFilesLookup = () => undefined): PathHit[] {
  const hits: PathHit[] = [];
  for (const events of sessions) {
    const header = events.find((e): e is TraceEventOf<'session.start'> => e.event === 'session.start');
    const cwd = header?.cwd ?? '/';
    for (const e of events) {
      if (e.event !== 'tool.decision') continue;
      const matched = e.paths.filter((p) => pathMatches(p, q.path, cwd));
      if (matched.length === 0) continue;
      const t = Date.parse(e.ts);
      if (q.range && (t < q.range.start || t >= q.range.end)) continue;
      const requested = events.filter((a): a is TraceEventOf<'approval.requested'> => a.event === 'approval.requested' && a.tool_use_id === e.tool_use_id && a.seq < e.seq).pop();
      const answered = requested && events.find((a): a is TraceEventOf<'approval.answered'> => a.event === 'approval.answered' && a.approval_id === requested.approval_id);
      const result = events.find((r): r is TraceEventOf<'tool.result'> => r.event === 'tool.result' && r.tool_use_id === e.tool_use_id && r.seq > e.seq);
      hits.push({
        ts: e.ts, session_id: e.session_id, mission_id: e.mission_id, supervisor: e.supervisor?.name ?? null, seq: e.seq,
        actor: e.actor, tool: e.tool, action: e.action, tool_use_id: e.tool_use_id, command: e.cmd_redacted, paths: matched,
        decision: e.decision,
        rule: e.decision === 'deny' ? denyRule(e) : e.rules[0]?.rule ?? null,
        rules: e.rules,
        approval: requested
          ? { approval_id: requested.approval_id, answer: answered?.answer ?? null, by: answered?.by ?? null, reason: answered?.reason ?? null }
          : null,
        result: result ? { ok: result.ok, exit_code: result.exit_code } : null,
        commit: commitFor(e, matched, events, cwd, files),
      });
    }
  }
  return hits.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
}
