/**
 * File-system helpers the engine takes as injected functions, so `evaluate` stays pure:
 * symlink resolution and bounded expansion of recursive reads.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';

/** Real path of `abs`, following symlinks; for a path that does not exist yet, of its deepest existing parent. */
export function realpathOf(abs: string): string | undefined {
  let head = abs;
  const tail: string[] = [];
  for (let i = 0; i < 64; i++) {
    try {
      const real = realpathSync(head);
      return tail.length ? path.join(real, ...tail.reverse()) : real;
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return undefined;
      tail.push(path.basename(head));
      head = parent;
    }
  }
  return undefined;
}

/**
 * Files a glob such as `/repo/src/**` or `/repo/src/*.ts` matches right now, or undefined when
 * the walk would exceed `limit` entries, or when a matched file has other hard links (another
 * name of the same file could be a denied one): the engine then falls back to the conservative
 * glob test. Symlinks are returned as named; the engine also judges what they point to.
 */
export function makeGlobExpander(limit = 20000): (absGlob: string) => string[] | undefined {
  return (absGlob) => {
    const segs = absGlob.split('/');
    const firstWild = segs.findIndex((s) => /[*?[{]/.test(s));
    const base = (firstWild === -1 ? segs : segs.slice(0, firstWild)).join('/') || '/';
    // A glob rooted at `/` (a path that started with an expansion) cannot be listed usefully.
    if (base === '/' || base === '') return undefined;
    const match = picomatch(absGlob, { dot: true });
    // without `**` the glob cannot reach deeper than its own segments
    const maxDepth = absGlob.includes('**') ? Infinity : segs.length;
    const out: string[] = [];
    let visited = 0;
    const stack = [base];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (dir.split('/').length > maxDepth) continue;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (++visited > limit) return undefined;
        const full = path.posix.join(dir, e.name);
        if (e.isDirectory()) stack.push(full);
        // Symlinks count as what they are named: the engine resolves them per path.
        if (!match(full)) continue;
        if (e.isFile()) {
          try {
            if (lstatSync(full).nlink > 1) return undefined;
          } catch {
            return undefined;
          }
        }
        out.push(full);
      }
    }
    return out;
  };
}
