/**
 * File-system helpers the engine takes as injected functions, so `evaluate` stays pure:
 * symlink resolution and bounded expansion of recursive reads.
 */
import { readdirSync, realpathSync } from 'node:fs';
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
 * Files a recursive glob such as `/repo/src/**` matches right now, or undefined when the walk
 * would exceed `limit` entries (the engine then falls back to the conservative glob test).
 */
export function makeGlobExpander(limit = 20000): (absGlob: string) => string[] | undefined {
  return (absGlob) => {
    const segs = absGlob.split('/');
    const firstWild = segs.findIndex((s) => /[*?[{]/.test(s));
    const base = (firstWild === -1 ? segs : segs.slice(0, firstWild)).join('/') || '/';
    // A glob rooted at `/` (a path that started with an expansion) cannot be listed usefully.
    if (base === '/' || base === '') return undefined;
    const match = picomatch(absGlob, { dot: true });
    const out: string[] = [];
    let visited = 0;
    const stack = [base];
    while (stack.length > 0) {
      const dir = stack.pop()!;
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
        if (match(full)) out.push(full);
      }
    }
    return out;
  };
}
