/** The profile builder's view of the real file system (bounded walks: start-up must stay fast). */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FsProbe } from './profile';

/**
 * Every existing path an absolute glob matches, or undefined past `limit` entries. Unlike the
 * engine's expander it keeps hard-linked files: the profile masks every name of a denied inode.
 */
function expandGlob(absGlob: string, limit: number): string[] | undefined {
  const segs = absGlob.split('/');
  const firstWild = segs.findIndex((s) => /[*?[{]/.test(s));
  if (firstWild === -1) return lstatOk(absGlob) ? [absGlob] : [];
  const base = segs.slice(0, firstWild).join('/') || '/';
  if (base === '/') return undefined;
  const match = picomatch(absGlob, { dot: true });
  const out: string[] = [];
  let visited = 0;
  const stack = [base];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      if (++visited > limit) return undefined;
      const full = path.posix.join(dir, e.name);
      if (e.isDirectory()) stack.push(full);
      if (match(full)) out.push(full);
    }
  }
  return out;
}

function lstatOk(p: string): boolean {
  try { lstatSync(p); return true; } catch { return false; }
}

export function nodeFsProbe(limit = 200_000): FsProbe {
  return {
    kind: (abs) => {
      try {
        const s = lstatSync(abs);
        return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
      } catch {
        return undefined;
      }
    },
    expand: (glob) => expandGlob(glob, limit),
    links: (abs) => {
      try { return statSync(abs).nlink; } catch { return 1; }
    },
    sameInode: (root, abs) => {
      let target;
      try { target = statSync(abs); } catch { return []; }
      const out: string[] = [];
      const stack = [root];
      let visited = 0;
      while (stack.length > 0) {
        const dir = stack.pop()!;
        let entries;
        try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
        for (const e of entries) {
          if (++visited > limit) return undefined;
          const full = path.join(dir, e.name);
          if (e.isDirectory()) { stack.push(full); continue; }
          if (!e.isFile() || full === abs) continue;
          try {
            const s = lstatSync(full);
            if (s.ino === target.ino && s.dev === target.dev) out.push(full);
          } catch { /* vanished */ }
        }
      }
      return out;
    },
  };
}
