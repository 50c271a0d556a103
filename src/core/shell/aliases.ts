/**
 * Spellings that name a path the policy knows under another name: `~+` is the working
 * directory, `/proc/self/cwd` too, `/proc/self/root/x` is `/x`, `~-` and `~user` are
 * directories the analyser cannot know. Rewritten before any rule sees the path.
 */

import { posix } from 'path';

export interface Dealiased {
  path: string;
  /** The rewrite stands for a set of paths (an unknown directory became `/**`). */
  glob: boolean;
}

/** `/proc/self/cwd`, `/proc/thread-self/root`, `/proc/123/task/7/cwd`, `/proc/$$/cwd` … */
const PROC_LINK = /^\/+proc\/+[^/]+\/+(?:task\/+[^/]+\/+)?(cwd|root)(?=\/|$)\/*/;

export function dealiasPath(raw: string): Dealiased {
  // `/proc/self/fd/../cwd/x`, `/dev/fd/../../proc/self/cwd/x`: judge the lexically normal form
  let p = raw.startsWith('/') && /\/\.\.?(\/|$)|\/\//.test(raw) ? posix.normalize(raw) : raw;
  let glob = false;
  for (let i = 0; i < 4; i++) {
    const m = PROC_LINK.exec(p);
    if (!m) break;
    const rest = p.slice(m[0].length);
    p = m[1] === 'cwd' ? (rest === '' ? '.' : rest) : `/${rest}`;
  }
  if (p === '~+' || p.startsWith('~+/')) p = p === '~+' ? '.' : p.slice(3) || '.';
  else if (p === '~-' || p.startsWith('~-/')) { p = `/**${p.slice(2)}`; glob = true; }
  else if (/^~[^/]/.test(p)) { p = `/**${p.slice(p.indexOf('/') === -1 ? p.length : p.indexOf('/'))}`; glob = true; }
  return { path: p, glob };
}

/** Paths whose content is another process's open file or the analyser's own input: unknowable. */
export function isDescriptorPath(p: string): boolean {
  return /^\/+(dev\/+(stdin|fd\/+\d+)|proc\/+[^/]+\/+(task\/+[^/]+\/+)?fd\/+\d+)$/.test(p);
}
