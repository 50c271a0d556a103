/** The profile builder's view of the real file system (bounded walks: start-up must stay fast). */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { makeGlobExpander } from '../policy/fsContext';
import type { FsProbe } from './profile';

export function nodeFsProbe(limit = 200_000): FsProbe {
  const expander = makeGlobExpander(limit);
  return {
    kind: (abs) => {
      try {
        const s = lstatSync(abs);
        return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
      } catch {
        return undefined;
      }
    },
    expand: (glob) => expander(glob),
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
