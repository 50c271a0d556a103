/**
 * What a commit is about to contain: the staged tree (what an acknowledgement pins), the
 * staged diff and its hash (what the supervisor reads), and the staged files.
 */
import { createHash } from 'node:crypto';
import type { CommitReview } from '../session/types';
import { runGit, runGitText } from './exec';

/**
 * Pinned diff options. User configuration (diff.algorithm, diff.noprefix, core.abbrev,
 * diff.renames, textconv drivers …) would otherwise change the text, and with it the hash a
 * reviewer or auditor recomputes. `--binary --full-index` keep binary changes in the hash
 * rather than "Binary files differ".
 */
export const CANONICAL_DIFF_ARGS: readonly string[] = [
  'diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--no-relative',
  '--full-index', '--binary', '--diff-algorithm=myers', '--indent-heuristic', '-U3', '--inter-hunk-context=0',
  '--src-prefix=a/', '--dst-prefix=b/', '--submodule=short', '-O/dev/null',
];

export interface StagedFile {
  path: string;
  /** git's status letter: A added, M modified, D deleted, T type change, U unmerged. */
  status: string;
}

/** `git write-tree`: the tree object of the index (written to the object store). */
export async function stagedTree(cwd: string): Promise<string> {
  return (await runGitText(cwd, ['write-tree'])).trim();
}

export async function stagedDiff(cwd: string): Promise<Buffer> {
  return runGit(cwd, CANONICAL_DIFF_ARGS);
}

/** SHA-256 (hex) of the diff bytes exactly as git printed them. */
export function diffHash(diff: Buffer | string): string {
  return createHash('sha256').update(diff).digest('hex');
}

export async function stagedFiles(cwd: string): Promise<StagedFile[]> {
  const out = await runGitText(cwd, ['diff', '--cached', '--name-status', '-z', '--no-renames', '--no-relative']);
  return parseNameStatus(out);
}

/** `-z --name-status` without renames: `STATUS\0PATH\0` pairs. */
export function parseNameStatus(out: string): StagedFile[] {
  const parts = out.split('\0');
  const files: StagedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    const p = parts[i + 1]!;
    if (status === '' || p === '') continue;
    files.push({ status: status.charAt(0), path: p });
  }
  return files;
}

/** Everything the broker needs to ask for an acknowledgement. */
export async function stagedReview(cwd: string, message: string | null = null): Promise<CommitReview> {
  const [tree, diff, files] = await Promise.all([stagedTree(cwd), stagedDiff(cwd), stagedFiles(cwd)]);
  return { tree, diffHash: diffHash(diff), files, message };
}
