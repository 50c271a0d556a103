/**
 * What the ledger knows about commits from the host side, for `agentlane check-commits`.
 *
 * Trailers and `commit.recorded` (the git post-commit hook) come from inside the agent's box:
 * they are claims (trace/trust.ts). The lane's ref watcher observes every commit that appears
 * during a session from outside the box and records `commit.observed` with whether a person's
 * acknowledgement covers it. The rule (README "The CI gate"), for a commit C of the range:
 *
 *  1. Some session of the ledger observed C → C passes only if every observation says
 *     `acknowledged`, each comes from a trace that verifies, and the `commit.ack` it names is in
 *     that session, for C's tree, given by a person (with their approval before it). One
 *     unacknowledged observation fails C — whatever git path made it, trailers or not.
 *  2. Nobody observed C, but a session in which the host watched the refs (its trace has
 *     `sandbox.status` or any `commit.observed`) claims C (`commit.recorded`) or is named by C's
 *     `Agent-Lane-Session` trailer → C fails: a host observation was expected and the agent's word
 *     is not evidence on its own.
 *  3. Otherwise the ledger's host side knows nothing of C (an unsupervised commit, or a session
 *     recorded before the ref watcher existed, `agentlane.trace/1`): the trailer rules decide.
 */
import { promises as fsp } from 'node:fs';
import { notAPerson } from '../common/person';
import type { LedgerReader } from '../ledger/ledgerReader';
import type { TraceCheckpoint } from '../trace/canonical';
import { TraceEventSchema, type TraceEvent, type TraceEventOf } from '../trace/schema';
import { verifyTraceBytes } from '../trace/verify';
import { AuditError } from './errors';
import { readCheckpointLog, scanDirectory, sessionIdsIn } from './files';

/** What check-commits asks of the host evidence (core/git/checkCommits.ts calls it). */
export interface HostCommitJudge {
  readonly display: string;
  judge(commit: { sha: string; tree: string }, trailerSessions: readonly string[]): HostVerdict;
}

export type HostVerdict =
  | { status: 'unknown' }
  | { status: 'ok'; reason: string; sessionId: string; ackBy: string }
  | { status: 'fail'; reason: string; sessionId?: string };

interface SessionFacts {
  intact: boolean;
  /** Why the trace does not verify (when it does not). */
  damage?: string;
  /** The host watched the refs: a commit of this session must have been observed. */
  watched: boolean;
  acks: Map<string, TraceEventOf<'commit.ack'>>;
  answers: Map<string, TraceEventOf<'approval.answered'>>;
}

interface Observation { sessionId: string; event: TraceEventOf<'commit.observed'> }
interface Claim { sessionId: string; event: TraceEventOf<'commit.recorded'> }

/** Only these kinds matter here; other lines are skipped before parsing (ledgers are large). */
const RELEVANT = /"event":"(commit\.(ack|observed|recorded)|approval\.answered|sandbox\.status)"/;

export class CommitEvidence implements HostCommitJudge {
  private readonly sessions = new Map<string, SessionFacts>();
  private readonly observed = new Map<string, Observation[]>();
  private readonly claimed = new Map<string, Claim[]>();
  private readonly invalid = new Map<string, string[]>();

  constructor(readonly display: string) {}

  /** Adds one trace file's worth of sessions (bytes as stored), verified against `checkpoints`. */
  addTrace(bytes: Buffer, checkpoints: readonly TraceCheckpoint[]): void {
    const res = verifyTraceBytes(bytes, { checkpoints, schema: 'sample' });
    const damage = res.ok ? undefined : `${res.message} (first bad seq ${res.firstBadSeq})`;
    for (const line of bytes.toString('utf8').split('\n')) {
      if (!RELEVANT.test(line)) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue; // not JSON: the verdict above already says the trace does not verify
      }
      const r = TraceEventSchema.safeParse(raw);
      if (r.success) this.take(r.data, damage);
      else this.takeInvalid(raw, r.error.issues[0]?.message ?? 'invalid');
    }
  }

  /**
   * A commit line that chains but breaks the schema (someone who can recompute the chain relabelled
   * or edited it; a sampled verification may not look at it): the commit it names fails, fail closed.
   */
  private takeInvalid(raw: unknown, why: string): void {
    const o = (raw ?? {}) as Record<string, unknown>;
    if (typeof o.commit_sha !== 'string' || typeof o.session_id !== 'string') return;
    const f = this.facts(o.session_id, `a commit line is not a valid trace event (${why})`);
    f.watched = true;
    push(this.invalid, o.commit_sha, o.session_id);
  }

  private facts(sessionId: string, damage: string | undefined): SessionFacts {
    let f = this.sessions.get(sessionId);
    if (!f) this.sessions.set(sessionId, (f = { intact: damage === undefined, damage, watched: false, acks: new Map(), answers: new Map() }));
    if (damage !== undefined) Object.assign(f, { intact: false, damage });
    return f;
  }

  private take(e: TraceEvent, damage: string | undefined): void {
    const f = this.facts(e.session_id, damage);
    switch (e.event) {
      case 'sandbox.status':
        f.watched = true;
        break;
      case 'commit.observed':
        f.watched = true;
        push(this.observed, e.commit_sha, { sessionId: e.session_id, event: e });
        break;
      case 'commit.recorded':
        push(this.claimed, e.commit_sha, { sessionId: e.session_id, event: e });
        break;
      case 'commit.ack':
        f.acks.set(e.ack_id, e);
        break;
      case 'approval.answered':
        f.answers.set(e.approval_id, e);
        break;
      default:
        break;
    }
  }

  judge(commit: { sha: string; tree: string }, trailerSessions: readonly string[]): HostVerdict {
    const invalid = this.invalid.get(commit.sha)?.[0];
    if (invalid !== undefined) return { status: 'fail', sessionId: invalid, reason: `the ledger's record of this commit in session ${invalid} is not a valid trace event: the trace was edited` };
    const observations = this.observed.get(commit.sha) ?? [];
    if (observations.length > 0) return this.judgeObserved(commit, observations);
    const watchedClaim = (this.claimed.get(commit.sha) ?? []).find((c) => this.sessions.get(c.sessionId)?.watched);
    if (watchedClaim) {
      return {
        status: 'fail', sessionId: watchedClaim.sessionId,
        reason: `only the agent reports this commit (commit.recorded, seq ${watchedClaim.event.seq} of session ${watchedClaim.sessionId}); the host watched that session's refs and never observed it`,
      };
    }
    const watchedTrailer = trailerSessions.find((s) => this.sessions.get(s)?.watched);
    if (watchedTrailer) {
      return {
        status: 'fail', sessionId: watchedTrailer,
        reason: `its trailers name session ${watchedTrailer}, whose refs the host watched, but the host never observed this commit: trailers are the agent's word`,
      };
    }
    return { status: 'unknown' };
  }

  private judgeObserved(commit: { sha: string; tree: string }, observations: readonly Observation[]): HostVerdict {
    let ok: Extract<HostVerdict, { status: 'ok' }> | undefined;
    for (const { sessionId, event: o } of observations) {
      const f = this.sessions.get(sessionId)!;
      const fail = (reason: string): HostVerdict => ({ status: 'fail', sessionId, reason });
      const where = `session ${sessionId} (seq ${o.seq}, ${o.ref})`;
      // A session that did not require acknowledgements leaves the verdict to trailers and protected paths.
      if (!o.acknowledged && o.ack_required === false) continue;
      if (!o.acknowledged) return fail(`made in supervised ${where} without an acknowledgement (observed by the host, whatever git path made it)`);
      if (!f.intact) return fail(`the trace of session ${sessionId} that observed it does not verify: ${f.damage ?? 'damaged'}`);
      if (o.tree !== commit.tree) return fail(`the host observed tree ${o.tree.slice(0, 12)} in ${where}, but the commit has ${commit.tree.slice(0, 12)}`);
      const ack = o.ack_id === null ? undefined : f.acks.get(o.ack_id);
      if (!ack || ack.seq > o.seq) return fail(`the observation in ${where} names acknowledgement \`${o.ack_id ?? '(none)'}\`, which the session does not hold before it`);
      if (ack.tree !== commit.tree) return fail(`acknowledgement \`${ack.ack_id}\` covers tree ${ack.tree.slice(0, 12)}, not this commit's ${commit.tree.slice(0, 12)}`);
      const answered = f.answers.get(ack.ack_id);
      if (!answered || answered.answer === 'deny' || answered.by !== ack.ack_by || answered.seq > ack.seq) {
        return fail(`commit.ack \`${ack.ack_id}\` has no matching approval answered by ${ack.ack_by} before it`);
      }
      const notPerson = notAPerson(ack.ack_by);
      if (notPerson) return fail(notPerson);
      ok ??= { status: 'ok', sessionId, ackBy: ack.ack_by, reason: `observed by the host in ${where}, acknowledged by ${ack.ack_by}` };
    }
    return ok ?? { status: 'unknown' };
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Every `*.trace.jsonl` under a ledger (or trace) directory, held to its checkpoints.log files. */
export async function commitEvidenceFromDirectory(dir: string): Promise<CommitEvidence> {
  const { traces, checkpointLogs } = await scanDirectory(dir);
  const pins: TraceCheckpoint[] = [];
  for (const log of checkpointLogs) pins.push(...(await readCheckpointLog(log)).checkpoints);
  const evidence = new CommitEvidence(dir);
  for (const file of traces) {
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file);
    } catch (err) {
      throw new AuditError('unreadable', `cannot read \`${file}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const ids = sessionIdsIn(bytes);
    evidence.addTrace(bytes, pins.filter((p) => ids.has(p.session_id)));
  }
  return evidence;
}

/** Every session a ledger reader (PostgreSQL) holds, bytes as stored, held to its checkpoints. */
export async function commitEvidenceFromReader(reader: LedgerReader): Promise<CommitEvidence> {
  const pins = await reader.checkpoints();
  const evidence = new CommitEvidence(reader.display);
  for await (const sessionId of reader.sessions()) {
    const read = await reader.readSession(sessionId);
    // A row whose columns disagree with its raw line pins the column hash (see git/traceStore.ts).
    const extra = read.mismatches.filter((m) => m.rawHash !== m.columnHash).map((m) => ({ session_id: sessionId, seq: m.seq, head: m.columnHash }));
    evidence.addTrace(read.bytes, [...pins.filter((p) => p.session_id === sessionId), ...extra]);
  }
  return evidence;
}
