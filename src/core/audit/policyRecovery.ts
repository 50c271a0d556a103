/**
 * Finds the exact policy (or mission) text a session ran under, by the hash its header pinned.
 * The file on disk may have moved on since; then git history is searched for a version with
 * that hash. An honest "not found" (with why) beats a guess: the bundle records which it was.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hashPolicyText } from '../policy/load';
import { repoRoot, revisionsOf, showFileAt } from './git';

export interface PolicyRef {
  layer: string;
  file: string;
  hash: string;
}

export type PolicySource =
  | { found: true; from: 'current'; content: Buffer }
  | { found: true; from: 'git'; revision: string; content: Buffer }
  | { found: false; reason: string };

/** The loader hashes the UTF-8 text it read; hash the same way so the pins compare equal. */
const hashOf = (buf: Buffer): string => hashPolicyText(buf.toString('utf8'));

export async function recoverPolicy(ref: PolicyRef, opts: { repo: string | null; cwd: string }): Promise<PolicySource> {
  const abs = path.resolve(opts.cwd, ref.file);
  let current: Buffer | undefined;
  try {
    current = await fsp.readFile(abs);
  } catch {
    current = undefined;
  }
  if (current && hashOf(current) === ref.hash) return { found: true, from: 'current', content: current };

  const reasons: string[] = [current ? 'the current file has another hash' : 'the file no longer exists'];
  const repoDir = opts.repo ?? opts.cwd;
  const root = await repoRoot(repoDir);
  if (!root.ok) return { found: false, reason: `${reasons[0]}; no git repository at \`${repoDir}\` to search (${root.reason})` };
  // Realpaths: the header may name the file through a symlinked path (e.g. /tmp on macOS).
  const realRoot = await fsp.realpath(root.root).catch(() => root.root);
  const realFile = await fsp.realpath(path.dirname(abs)).then((d) => path.join(d, path.basename(abs)), () => abs);
  const rel = path.relative(realRoot, realFile);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    return { found: false, reason: `${reasons[0]}; \`${abs}\` is outside the repository \`${root.root}\`, so it has no git history there` };
  }
  const relPosix = rel.split(path.sep).join('/');
  const revs = await revisionsOf(root.root, relPosix);
  for (const rev of revs) {
    const content = await showFileAt(root.root, rev, relPosix);
    if (content && hashOf(content) === ref.hash) return { found: true, from: 'git', revision: rev, content };
  }
  return { found: false, reason: `${reasons[0]}; none of the ${revs.length} commit(s) touching \`${relPosix}\` in \`${root.root}\` has a version with this hash` };
}
