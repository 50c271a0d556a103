import { AgentLaneError } from '../common/errors';

/** Typed failures of the git helpers: every one carries a reason a person can act on. */
export type GitErrorReason =
  | 'git-missing'      // the `git` executable cannot be started
  | 'not-a-repo'       // the directory is not inside a git work tree
  | 'unknown-revision' // a SHA, ref or range git cannot resolve
  | 'output-too-large' // the command printed more than we are willing to buffer
  | 'git-failed';      // any other non-zero exit: the message is git's first stderr line

export class GitError extends AgentLaneError<GitErrorReason> {
  constructor(reason: GitErrorReason, message: string, readonly args: readonly string[] = [], options?: { cause?: unknown }) {
    super(reason, message, options);
  }
}
