/**
 * The lane's git routes, mounted on the hook server (same bearer token). They only ask and
 * record: the acknowledgement itself comes from a human surface (invariant 8), never from
 * this channel, which the agent's processes can reach.
 */
import type { z } from 'zod';
import type { SessionBroker } from '../session/broker';
import { requireCommitAck } from '../policy/compile';
import { laneTrailers } from './trailers';
import { CommitMsgBody, GIT_ROUTES, PostCommitBody, PreCommitBody } from './protocol';

type Route = (body: unknown) => Promise<{ status: number; body: unknown }>;

/** What the routes need of the broker (SessionBroker satisfies it). */
export type GitBroker = Pick<SessionBroker,
  'requestCommitAck' | 'recordCommit' | 'ackFor' | 'checkpoint' | 'supervisor' | 'missionId' | 'sessionId' | 'policy' | 'state' | 'frozenBecause'>;

export function gitRoutes(broker: GitBroker): Record<string, Route> {
  return {
    [GIT_ROUTES.preCommit]: validated(PreCommitBody, async (review) => {
      // Default on: commits wait (docs/ARCHITECTURE.md, "Data flow") for the acknowledgement unless a policy says not.
      if (requireCommitAck(broker.policy)?.value === false) {
        if (broker.state !== 'running') {
          return { ok: false, reason: `the session is ${broker.state}${broker.frozenBecause ? `: ${broker.frozenBecause}` : ''}` };
        }
        return { ok: true, ackId: null, by: null };
      }
      const r = await broker.requestCommitAck(review);
      return r.ok ? { ok: true, ackId: r.ackId, by: r.by } : { ok: false, reason: r.reason };
    }),
    [GIT_ROUTES.commitMsg]: validated(CommitMsgBody, async ({ tree }) => {
      const ack = broker.ackFor(tree) ?? null;
      if (!ack && requireCommitAck(broker.policy)?.value !== false) {
        return { ok: false, reason: `no acknowledgement for the staged tree ${tree.slice(0, 12)} (did the pre-commit hook run?)` };
      }
      const trailers = laneTrailers({
        sessionId: broker.sessionId, missionId: broker.missionId, checkpoint: broker.checkpoint(), ack, supervisor: broker.supervisor,
      });
      return { ok: true, trailers };
    }),
    [GIT_ROUTES.postCommit]: validated(PostCommitBody, async (c) => {
      const ok = await broker.recordCommit(c);
      return ok ? { ok: true } : { ok: false, reason: 'the trace could not be written' };
    }),
  };
}

function validated<S extends z.ZodType>(schema: S, handle: (body: z.infer<S>) => Promise<unknown>): Route {
  return async (body) => {
    const r = schema.safeParse(body);
    if (!r.success) {
      const i = r.error.issues[0];
      return { status: 400, body: { ok: false, reason: `malformed git hook request: ${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}` } };
    }
    return { status: 200, body: await handle(r.data) };
  };
}
