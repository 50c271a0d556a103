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

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * The diff a commit of `tree` would make on top of HEAD, with the same pinned options as the
 * staged diff (so its hash equals the one the pre-commit hook took). Reading the pinned tree
 * rather than the live index means the review shows exactly what the ack covers, even while
 * git holds `index.lock` or commits through a temporary index (`git commit -a`, `git commit <paths>`).
 */
export async function treeDiff(cwd: string, tree: string): Promise<Buffer> {
  let base = EMPTY_TREE;
  try {
    base = (await runGitText(cwd, ['rev-parse', '--verify', '-q', 'HEAD^{tree}'])).trim() || EMPTY_TREE;
  } catch {
    // No commit yet: the whole tree is new.
  }
  return runGit(cwd, [...CANONICAL_DIFF_ARGS.filter((a) => a !== '--cached'), base, tree]);
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
