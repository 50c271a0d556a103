/**
 * `agentlane git-hook <name> [args]`: what the lane's generated git hooks exec (see
 * core/git/hookScripts.ts). Run by git, not by the agent, so it is not a tool call: it may read
 * the session's token file that the policy keeps from the agent.
 *
 *   pre-commit, pre-merge-commit   staged tree + diff hash → wait for the supervisor's ack
 *   commit-msg <file>              the session's trailers → into the message
 *   post-commit                    HEAD's sha and tree → `commit.recorded` in the trace
 *   anything else                  only the repository's own hook
 *
 * Fail closed: whenever the ack cannot be obtained, the commit is blocked with the reason.
 * The repository's own pre-commit / commit-msg hooks run first: their failures should not
 * cost the supervisor a review, and whatever they change (formatters re-staging files, a
 * Change-Id trailer) is then what gets acknowledged and linked.
 */
import { messageFromCommitArgv } from '../core/git/commitMessageArgs';
import { promises as fsp, readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { Io } from './args';
import { UsageError } from './args';
import { GIT_ROUTES, CommitMsgAnswer, PostCommitAnswer, PreCommitAnswer } from '../core/git/protocol';
import { postHook, type HookCallResult } from '../core/git/hookClient';
import { runRepoHook } from '../core/git/chain';
import { stagedReview, stagedTree } from '../core/git/staged';
import { headCommit } from '../core/git/commits';
import { writeTrailers } from '../core/git/trailers';
import { describeError } from '../core/common/errors';

const DEFAULT_ACK_TIMEOUT_S = 600;
const SHORT_TIMEOUT_MS = 30_000;
const BLOCKED = 'Agent Lane: commit blocked:';
const NOT_RECORDED = 'Agent Lane: commit not recorded in the trace:';

interface Channel { url: string; token: string }

export async function gitHookCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...hookArgs] = args;
  if (!name) throw new UsageError('git-hook needs the hook name, e.g. `agentlane git-hook pre-commit`');
  const ourDir = env.AGENTLANE_GIT_HOOKS_DIR;
  const chain = async (): Promise<number> => {
    const r = await runRepoHook(io.cwd, name, hookArgs, env, ourDir);
    if (!r.ran) return 0;
    if (r.error) io.err(`Agent Lane: the repository's ${name} hook: ${r.error}`);
    return r.exitCode;
  };
  try {
    switch (name) {
      case 'pre-commit':
      case 'pre-merge-commit': {
        const own = await chain();
        if (own !== 0) return own;
        return await preCommit(io, env);
      }
      case 'commit-msg': {
        const file = hookArgs[0];
        if (!file) throw new UsageError('git-hook commit-msg needs the message file git passes');
        const own = await chain();
        if (own !== 0) return own;
        return await commitMsg(io, env, file);
      }
      case 'post-commit': {
        try {
          await postCommit(io, env);
        } catch (err) {
          io.err(`${NOT_RECORDED} ${describeError(err)}`);
        }
        return await chain();
      }
      default:
        return await chain();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Whatever went wrong, a commit must not slip through unacknowledged.
    io.err(`${BLOCKED} ${describeError(err)}`);
    return 1;
  }
}

async function channel(io: Io, env: NodeJS.ProcessEnv, prefix = BLOCKED): Promise<Channel | undefined> {
  const url = env.AGENTLANE_HOOK_URL;
  const tokenFile = env.AGENTLANE_HOOK_TOKEN_FILE;
  if (!url || !tokenFile) {
    io.err(`${prefix} this git hook runs outside a supervised session (AGENTLANE_HOOK_URL / AGENTLANE_HOOK_TOKEN_FILE are not set)`);
    return undefined;
  }
  try {
    const token = (await fsp.readFile(tokenFile, 'utf8')).trim();
    if (token) return { url, token };
  } catch {
    // The session directory is removed when the session ends: same as unreachable.
  }
  io.err(`${prefix} the supervising session is unreachable (its token file is gone: the session has ended)`);
  return undefined;
}

function ackTimeoutMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.AGENTLANE_GIT_ACK_TIMEOUT ?? DEFAULT_ACK_TIMEOUT_S);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_ACK_TIMEOUT_S) * 1000;
}

/** A hook answer read through its schema, or the one line that explains why there is none. */
function answer<S extends z.ZodType>(r: HookCallResult, schema: S): { ok: true; value: z.infer<S> } | { ok: false; why: string } {
  if (!r.ok) {
    switch (r.failure) {
      case 'unreachable': return { ok: false, why: 'the supervising session is unreachable' };
      case 'timeout': return { ok: false, why: `the supervising session gave no answer (${r.message})` };
      case 'rejected': return { ok: false, why: r.message };
      case 'bad-response': return { ok: false, why: `the supervising session answered something unreadable (${r.message})` };
    }
  }
  const parsed = schema.safeParse(r.body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const error = (r.body as { error?: unknown } | null)?.error;
  return { ok: false, why: `the supervising session answered HTTP ${r.status}${typeof error === 'string' ? `: ${error}` : ''}` };
}

function commitMessageOfParent(): string | null {
  try {
    const argv = readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').split('\0').filter((x, i, all) => i < all.length - 1 || x !== '');
    const commit = argv.indexOf('commit');
    return commit >= 0 ? messageFromCommitArgv(argv.slice(commit + 1)) : null;
  } catch {
    return null; // not Linux, or the parent is gone: the review shows no message
  }
}

async function preCommit(io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const ch = await channel(io, env);
  if (!ch) return 1;
  // The message is not written yet when pre-commit runs (COMMIT_EDITMSG still holds the last one);
  // a `-m` is in git's own argv, our parent process (the hook script execs us).
  const review = await stagedReview(io.cwd, commitMessageOfParent());
  io.err(`Agent Lane: waiting for the supervisor to acknowledge tree ${review.tree.slice(0, 12)} (${review.files.length} file(s))…`);
  const r = answer(await postHook(ch.url, GIT_ROUTES.preCommit, ch.token, review, ackTimeoutMs(env)), PreCommitAnswer);
  if (!r.ok) {
    io.err(`${BLOCKED} ${r.why}`);
    return 1;
  }
  if (!r.value.ok) {
    io.err(`${BLOCKED} ${r.value.reason}`);
    return 1;
  }
  io.err(r.value.by ? `Agent Lane: acknowledged by ${r.value.by}` : 'Agent Lane: commit recorded (this policy does not require an acknowledgement)');
  return 0;
}

async function commitMsg(io: Io, env: NodeJS.ProcessEnv, file: string): Promise<number> {
  const ch = await channel(io, env);
  if (!ch) return 1;
  const tree = await stagedTree(io.cwd);
  const r = answer(await postHook(ch.url, GIT_ROUTES.commitMsg, ch.token, { tree }, SHORT_TIMEOUT_MS), CommitMsgAnswer);
  if (!r.ok) {
    io.err(`${BLOCKED} ${r.why}`);
    return 1;
  }
  if (!r.value.ok) {
    io.err(`${BLOCKED} ${r.value.reason}`);
    return 1;
  }
  await writeTrailers(io.cwd, file, r.value.trailers);
  return 0;
}

/** The commit exists already: a failure here is reported, it cannot undo anything. */
async function postCommit(io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  const ch = await channel(io, env, NOT_RECORDED);
  if (!ch) return;
  const head = await headCommit(io.cwd);
  const r = answer(await postHook(ch.url, GIT_ROUTES.postCommit, ch.token, head, SHORT_TIMEOUT_MS), PostCommitAnswer);
  if (!r.ok) io.err(`Agent Lane: commit ${head.sha.slice(0, 12)} was not recorded in the trace: ${r.why}`);
  else if (!r.value.ok) io.err(`Agent Lane: commit ${head.sha.slice(0, 12)} was not recorded in the trace: ${r.value.reason}`);
}
