/**
 * The few read-only git queries an auditor bundle needs. `execFile` with argument arrays (no
 * shell), a fixed environment (no pager, no user hooks), and failures returned as values: a
 * missing repository or commit is an honest "unknown" in the bundle, never a crash.
 */
import { execFile } from 'node:child_process';

export type GitResult = { ok: true; stdout: Buffer } | { ok: false; reason: string };

const MAX_BUFFER = 64 * 1024 * 1024;

export function git(repo: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', ['-C', repo, '-c', 'core.quotepath=off', ...args], {
      encoding: 'buffer', maxBuffer: MAX_BUFFER, env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    }, (err, stdout, stderr) => {
      if (err) {
        const first = stderr.toString('utf8').trim().split('\n')[0] || err.message;
        resolve({ ok: false, reason: first });
      } else {
        resolve({ ok: true, stdout });
      }
    });
  });
}

/** The top-level directory of the work tree containing `dir`, or why there is none. */
export async function repoRoot(dir: string): Promise<{ ok: true; root: string } | { ok: false; reason: string }> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.ok ? { ok: true, root: r.stdout.toString('utf8').trim() } : { ok: false, reason: r.reason };
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: string;
  author_email: string;
  author_date: string;
  committer: string;
  commit_date: string;
  subject: string;
  /** Trailers (`Agentlane-Session: …`) as git parses them, one `Key: value` per entry. */
  trailers: string[];
  files: string[];
  stat: string;
}

const FIELDS = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%cI', '%s', '%(trailers:only,unfold)'];

export async function commitInfo(repo: string, sha: string): Promise<{ ok: true; info: CommitInfo } | { ok: false; reason: string }> {
  const meta = await git(repo, ['show', '-s', `--format=${FIELDS.join('%x00')}`, sha, '--']);
  if (!meta.ok) return meta;
  const [h, t, p, an, ae, ad, cn, cd, s, trailers] = meta.stdout.toString('utf8').replace(/\n$/, '').split('\0');
  const names = await git(repo, ['diff-tree', '--root', '--no-commit-id', '--name-only', '-r', '-z', sha, '--']);
  const stat = await git(repo, ['show', '--stat=200', '--format=', sha, '--']);
  return {
    ok: true,
    info: {
      sha: h ?? sha, tree: t ?? '', parents: (p ?? '').split(' ').filter(Boolean), author: an ?? '', author_email: ae ?? '',
      author_date: ad ?? '', committer: cn ?? '', commit_date: cd ?? '', subject: s ?? '',
      trailers: (trailers ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
      files: names.ok ? names.stdout.toString('utf8').split('\0').filter(Boolean) : [],
      stat: stat.ok ? stat.stdout.toString('utf8').trim() : '',
    },
  };
}

/** Every commit on any ref that touched `relPath`, newest first. */
export async function revisionsOf(repo: string, relPath: string): Promise<string[]> {
  const r = await git(repo, ['rev-list', '--all', '--', relPath]);
  return r.ok ? r.stdout.toString('utf8').split('\n').filter(Boolean) : [];
}

/** The bytes of `relPath` at `rev`, or undefined where the path does not exist in that commit. */
export async function showFileAt(repo: string, rev: string, relPath: string): Promise<Buffer | undefined> {
  const r = await git(repo, ['cat-file', 'blob', `${rev}:${relPath}`]);
  return r.ok ? r.stdout : undefined;
}
