/**
 * The CI gate behind `agentlane check-commits`. A commit passes when either
 *
 *  - it carries Agent Lane trailers and they hold up: its session's trace is in the ledger and
 *    verifies, the trace head the trailer pins is in that chain, and the trace has the
 *    `commit.ack` the trailer names, for exactly this commit's tree, given by a person who is
 *    the one `Supervised-By` names; or
 *  - it carries none and changes no path the policy protects.
 *
 * Who counts as a person: any `ack_by` except `system` (the broker itself: timeouts, freezes)
 * and `approver:<user>` (the name a headless `--approver` command gets when it does not say
 * who decided — an approver script must answer with `"by": "Name <email>"` of the human it
 * acts for, or its acks do not pass this gate).
 */
import { TraceEventSchema, type TraceEvent, type TraceEventOf } from '../trace/schema';
import { verifyTraceBytes } from '../trace/verify';
import { commitMeta, filesChanged, revList, type CommitMeta } from './commits';
import { ProtectedPaths, type ProtectSource } from './protectedPaths';
import {
  LANE_TRAILER_KEYS, NO_MISSION, TRAILER, parseTraceTrailer, parseTrailers, supervisedByValue, trailerValues, type Trailer,
} from './trailers';
import { isSafeSessionId, type TraceStore } from './traceStore';
import type { HostCommitJudge } from '../audit/commitEvidence';
import { notAPerson } from '../common/person';

export { notAPerson };
import { describeError } from '../common/errors';

export type CommitStatus = 'ok' | 'fail';

export interface CommitVerdict {
  sha: string;
  subject: string;
  status: CommitStatus;
  /** `acknowledged`, `traced` (lane commit, no ack required), `unsupervised` (no trailers). */
  kind: 'acknowledged' | 'traced' | 'unsupervised';
  reason: string;
  sessionId?: string;
  ackBy?: string;
}

export interface CheckCommitsOptions {
  repo: string;
  range: string;
  store: TraceStore;
  /** Extra `paths.protect` sources that apply to every commit (e.g. `--policy`). */
  pinnedPolicies?: ProtectSource[];
  /** The ledger's host-side commit observations (audit/commitEvidence.ts): they decide before any trailer. */
  hostEvidence?: HostCommitJudge;
}

export async function checkCommits(o: CheckCommitsOptions): Promise<CommitVerdict[]> {
  const shas = await revList(o.repo, o.range);
  const protectedPaths = new ProtectedPaths(o.repo, o.pinnedPolicies);
  const out: CommitVerdict[] = [];
  for (const sha of shas) {
    const meta = await commitMeta(o.repo, sha);
    out.push(await checkOne(o, meta, protectedPaths));
  }
  return out;
}

async function checkOne(o: CheckCommitsOptions, meta: CommitMeta, protectedPaths: ProtectedPaths): Promise<CommitVerdict> {
  const trailers = await parseTrailers(o.repo, meta.message);
  const base = { sha: meta.sha, subject: meta.subject };
  const fail = (kind: CommitVerdict['kind'], reason: string, extra: Partial<CommitVerdict> = {}): CommitVerdict => ({ ...base, status: 'fail', kind, reason, ...extra });
  const protectedHit = async (): Promise<string | undefined> => {
    try {
      const hit = await protectedPaths.firstHit(meta.sha, meta.parents, await filesChanged(o.repo, meta.sha));
      return hit && `\`${hit.path}\` (paths.protect \`${hit.pattern}\` in ${hit.origin})`;
    } catch (err) {
      return `${describeError(err)}`;
    }
  };

  const host = o.hostEvidence?.judge(meta, trailerValues(trailers, TRAILER.session)) ?? { status: 'unknown' as const };
  const isLane = LANE_TRAILER_KEYS.some((k) => trailerValues(trailers, k).length > 0);
  // Host evidence decides; where both fail, the more specific reason (a protected path, a
  // tampered trailer) is the one shown.
  if (!isLane) {
    if (host.status === 'ok') return { ...base, status: 'ok', kind: 'acknowledged', reason: host.reason, sessionId: host.sessionId, ackBy: host.ackBy };
    const hit = await protectedHit();
    if (hit) return fail('unsupervised', `protected path changed without an acknowledged agent-lane trace: ${hit}`);
    if (host.status === 'fail') return fail('unsupervised', host.reason, { sessionId: host.sessionId });
    return { ...base, status: 'ok', kind: 'unsupervised', reason: 'no agent-lane trailers; no protected path changed' };
  }

  const lane = await checkLaneCommit(o.store, meta, trailers);
  if (!lane.ok) return fail(lane.kind, lane.reason, { sessionId: lane.sessionId });
  if (host.status === 'fail') return fail('acknowledged', host.reason, { sessionId: host.sessionId });
  if (lane.kind === 'traced') {
    const hit = await protectedHit();
    if (hit) return fail('traced', `protected path changed without an acknowledgement (the session did not require one): ${hit}`, { sessionId: lane.sessionId });
  }
  return { ...base, status: 'ok', kind: lane.kind, reason: lane.reason, sessionId: lane.sessionId, ackBy: lane.ackBy };
}

type LaneResult =
  | { ok: true; kind: 'acknowledged' | 'traced'; reason: string; sessionId: string; ackBy?: string }
  | { ok: false; kind: 'acknowledged' | 'traced'; reason: string; sessionId?: string };

function single(trailers: readonly Trailer[], key: string): { value?: string; problem?: string } {
  const v = trailerValues(trailers, key);
  if (v.length === 0) return { problem: `missing ${key}` };
  if (v.length > 1) return { problem: `${key} appears ${v.length} times` };
  return { value: v[0] };
}

async function checkLaneCommit(store: TraceStore, meta: CommitMeta, trailers: readonly Trailer[]): Promise<LaneResult> {
  const session = single(trailers, TRAILER.session);
  const mission = single(trailers, TRAILER.mission);
  const trace = single(trailers, TRAILER.trace);
  const hasAck = trailerValues(trailers, TRAILER.ack).length > 0 || trailerValues(trailers, TRAILER.supervisedBy).length > 0;
  const ack = hasAck ? single(trailers, TRAILER.ack) : {};
  const by = hasAck ? single(trailers, TRAILER.supervisedBy) : {};
  const kind = hasAck ? 'acknowledged' as const : 'traced' as const;
  const problems = [session, mission, trace, ack, by].map((t) => t.problem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) return { ok: false, kind, reason: `incomplete agent-lane trailers: ${problems.join(', ')}` };
  const sessionId = session.value!;
  const fail = (reason: string): LaneResult => ({ ok: false, kind, reason, sessionId });

  if (!isSafeSessionId(sessionId)) return fail(`${TRAILER.session} \`${sessionId}\` is not a session id`);
  const pin = parseTraceTrailer(trace.value!);
  if (!pin) return fail(`${TRAILER.trace} \`${trace.value!}\` is not <64-hex head>@<seq>`);

  const stored = await store.find(sessionId);
  if (!stored) return fail(`no trace for session ${sessionId} in ${store.display}`);
  const verified = verifyTraceBytes(stored.bytes, { schema: 'all', checkpoints: stored.checkpoints });
  if (!verified.ok) return fail(`trace ${stored.file} does not verify: ${verified.message} (first bad seq ${verified.firstBadSeq})`);

  const events = sessionEvents(stored.bytes, sessionId);
  const pinned = events.find((e) => e.seq === pin.seq);
  if (!pinned) return fail(`${TRAILER.trace} pins seq ${pin.seq}, but the trace of session ${sessionId} ends at seq ${events.at(-1)?.seq ?? -1}`);
  if (pinned.hash !== pin.head) {
    return fail(`${TRAILER.trace} pins head ${pin.head.slice(0, 12)}… at seq ${pin.seq}, but the trace has ${pinned.hash.slice(0, 12)}… there`);
  }
  const missionId = events[0]?.mission_id ?? null;
  if ((missionId ?? NO_MISSION) !== mission.value) {
    return fail(`${TRAILER.mission} \`${mission.value!}\` but the session ran ${missionId ? `mission \`${missionId}\`` : 'without a mission'}`);
  }
  if (!hasAck) return { ok: true, kind, reason: `traced in session ${short(sessionId)} (no acknowledgement: the session's policy did not require one)`, sessionId };

  const ackId = ack.value!;
  const ackEvent = events.find((e): e is TraceEventOf<'commit.ack'> => e.event === 'commit.ack' && e.ack_id === ackId);
  if (!ackEvent) return fail(`the trace of session ${short(sessionId)} has no commit.ack \`${ackId}\` (${TRAILER.ack} altered?)`);
  if (ackEvent.seq > pin.seq) return fail(`the acknowledgement (seq ${ackEvent.seq}) comes after the pinned trace head (seq ${pin.seq})`);
  if (ackEvent.tree !== meta.tree) {
    return fail(`commit tree ${meta.tree.slice(0, 12)} is not the acknowledged tree ${ackEvent.tree.slice(0, 12)}: the commit changed after the acknowledgement (amended, rebased or cherry-picked)`);
  }
  const answered = events.find((e): e is TraceEventOf<'approval.answered'> => e.event === 'approval.answered' && e.approval_id === ackId);
  if (!answered || answered.answer === 'deny' || answered.by !== ackEvent.ack_by || answered.seq > ackEvent.seq) {
    return fail(`commit.ack \`${ackId}\` has no matching approval answered by ${ackEvent.ack_by} before it`);
  }
  const notPerson = notAPerson(ackEvent.ack_by);
  if (notPerson) return fail(notPerson);
  const expected = supervisedByValue(ackEvent.ack_by, ackEvent.supervisor);
  if (by.value !== expected) return fail(`${TRAILER.supervisedBy} \`${by.value!}\` is not who acknowledged (\`${expected}\`)`);
  return { ok: true, kind, reason: `acknowledged by ${expected} (session ${short(sessionId)}, seq ${ackEvent.seq})`, sessionId, ackBy: ackEvent.ack_by };
}

/** Why `ackBy` is not a person, or undefined if it is (see the header). */
/** Events of one session in a verified file (the verifier already held every line to the schema). */
function sessionEvents(bytes: Buffer, sessionId: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const line of bytes.toString('utf8').split('\n')) {
    if (!line) continue;
    const r = TraceEventSchema.safeParse(JSON.parse(line));
    if (r.success && r.data.session_id === sessionId) out.push(r.data);
  }
  return out;
}

function short(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}
