/**
 * The wire format between the git hook process and the lane's hook server: routes, request
 * bodies (validated by the server) and answers (validated by the hook). Shared by both ends.
 */
import { z } from 'zod';

export const GIT_ROUTES = {
  preCommit: '/git/pre-commit',
  commitMsg: '/git/commit-msg',
  postCommit: '/git/post-commit',
} as const;

const objectId = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git object id');

export const PreCommitBody = z.strictObject({
  tree: objectId,
  diffHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest'),
  files: z.array(z.strictObject({ path: z.string().min(1), status: z.string().min(1).max(2) })).max(1_000_000),
  message: z.string().nullable(),
});
export const CommitMsgBody = z.strictObject({ tree: objectId });
export const PostCommitBody = z.strictObject({ sha: objectId, tree: objectId });

export const PreCommitAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ackId: z.string().nullable(), by: z.string().nullable() }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export const CommitMsgAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), trailers: z.array(z.tuple([z.string().min(1), z.string()])) }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export const PostCommitAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
