/**
 * Programs the analyser has no table for. Their operands are still words the program may open:
 * every operand (and every `--opt=value` value) counts as read and, where it names a denied,
 * protected, self or out-of-scope path, as written (`operand` actions, judged in `evaluate.ts`).
 * A URL among them is a host the program may reach.
 */
import { urlHosts } from '../urlHost';
import type { Arg } from '../words';
import type { Invocation } from './types';

const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export function unknownProgram(inv: Invocation, words: readonly Arg[] = inv.args): void {
  for (const w of words) {
    let a = w;
    if (a.value.startsWith('-')) {
      const eq = a.value.indexOf('=');
      // `-o/etc/x`, `-c./secrets/key`: a short option with its value attached
      const attached = /^-[A-Za-z]([./~].*|[^/]*\/.*)$/.exec(a.value);
      if (eq === -1 && !attached) continue;
      a = eq !== -1 ? { ...a, value: a.value.slice(eq + 1), path: a.path.slice(a.path.indexOf('=') + 1) } : { ...a, value: a.value.slice(2), path: a.path.slice(2) };
    }
    if (a.value === '' || a.procSub) continue;
    if (URL.test(a.value) && !/^file:/i.test(a.value)) {
      for (const hp of a.dynamic ? [{ host: `(${a.value})` }] : urlHosts(a.value)) inv.out.net(hp, inv.text, a.value);
      continue;
    }
    const scp = /^[^/@\s]+@([^:/\s]+):/.exec(a.value);
    if (scp) inv.out.net({ host: scp[1].toLowerCase() }, inv.text);
    inv.out.operand(a, inv.text);
  }
}

/** Where a program named by path is one of the system's own binaries, its basename's table applies. */
const SYSTEM_DIRS = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$|^\/opt\/homebrew\/bin\/[^/]+$|^(\.\/)?node_modules\/\.bin\/[^/]+$/;

export function isSystemBinary(word: string): boolean {
  return SYSTEM_DIRS.test(word);
}
