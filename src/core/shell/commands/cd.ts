/**
 * `cd` moves later relative paths in the same command list (`cd secrets && cat key` reads
 * `secrets/key`). A `cd` may fail, so after it the directory is either the old one or the new
 * one (`cd x; rm -rf *` may remove the files here); only `cd x && …` is sure to be in `x`.
 * A target the analyser cannot know (`cd -`, `cd $X`, `popd`, a `CDPATH` search) makes later
 * relative paths unknowable: they are reported as unanalyzable rather than guessed.
 */
import * as path from 'path';
import { dealiasPath } from '../aliases';
import { joinCwd, unionCwds, type Cwd } from '../emit';
import { parseArgs } from './args';
import type { Handler } from './types';

export const cd: Handler = (inv) => {
  const p = parseArgs(inv.args);
  const target = p.operands[0];
  const out = inv.out;
  let next: Cwd[];
  if (inv.name === 'popd' || (inv.name === 'pushd' && (!target || /^[+-]\d*$/.test(target.value)))) next = [null];
  else if (target && (target.dynamic || target.glob || target.value === '-')) next = [null];
  else if (!target || target.value === '~' || target.value === '') next = ['~'];
  else if (out.cdpath && !/^(\/|~|\.\.?(\/|$))/.test(target.path)) next = [null];
  else {
    const dest = dealiasPath(target.path);
    if (dest.glob) next = [null];
    else {
      next = unionCwds([], out.cwds.map((c) => {
        const j = joinCwd(c, dest.path);
        if (j === null) return null;
        const norm = j.startsWith('~') || j.startsWith('/') ? path.posix.normalize(j) : path.posix.normalize(j);
        return norm === '.' || norm === './' ? '' : norm;
      }));
    }
  }
  out.cwds = unionCwds(out.cwds, next);
  out.success = next;
};
