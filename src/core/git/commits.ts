/** Read-only queries about existing commits, for the CI gate (check-commits). */
import { runGit, runGitText } from './exec';
import { GitError } from './errors';

/** Commits of a rev-range (`origin/main..HEAD`), oldest first. */
export async function revList(cwd: string, range: string): Promise<string[]> {
  if (range.startsWith('-')) throw new GitError('unknown-revision', `\`${range}\` is not a revision range`);
  const out = await runGitText(cwd, ['rev-list', '--reverse', range, '--']);
  return out.split('\n').filter(Boolean);
}

export interface CommitMeta {
  sha: string;
  tree: string;
  parents: string[];
  subject: string;
  /** The full message (subject, body and trailers). */
  message: string;
}

export async function commitMeta(cwd: string, sha: string): Promise<CommitMeta> {
  const out = await runGitText(cwd, ['show', '-s', '--format=%H%x00%T%x00%P%x00%s%x00%B', sha, '--']);
  const [h = '', t = '', p = '', s = '', ...body] = out.split('\0');
  return { sha: h, tree: t, parents: p.split(' ').filter(Boolean), subject: s, message: body.join('\0').replace(/\n$/, '') };
}

/**
 * Files a commit changes. For a merge, `-c` lists only paths that differ from every parent:
 * what the merge itself authored (conflict resolutions, evil merges), not what it brings in.
 */
export async function filesChanged(cwd: string, sha: string): Promise<string[]> {
  const out = await runGitText(cwd, ['diff-tree', '--root', '-r', '-c', '--no-commit-id', '--name-only', '--no-renames', '-z', sha, '--']);
  return [...new Set(out.split('\0').filter(Boolean))];
}

/** A file's bytes at a revision, or undefined if it does not exist there. */
export async function fileAt(cwd: string, rev: string, relPath: string): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ['cat-file', 'blob', `${rev}:${relPath}`])).toString('utf8');
  } catch (err) {
    if (GitError.is(err) && err.reason !== 'git-missing') return undefined;
    throw err;
  }
}

export async function headCommit(cwd: string): Promise<{ sha: string; tree: string }> {
  const out = await runGitText(cwd, ['rev-parse', 'HEAD', 'HEAD^{tree}']);
  const [sha = '', tree = ''] = out.split('\n');
  return { sha, tree };
}
