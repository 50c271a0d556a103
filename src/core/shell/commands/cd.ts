/**
 * `cd` moves later relative paths in the same command list (`cd secrets && cat key` reads
 * `secrets/key`). A target the analyser cannot know (`cd -`, `cd $X`, `popd`) makes later
 * relative paths unknowable: they are reported as unanalyzable rather than guessed.
 */
import { joinCwd } from '../emit';
import { parseArgs } from './args';
import type { Handler } from './types';

export const cd: Handler = (inv) => {
  const p = parseArgs(inv.args);
  const target = p.operands[0];
  const out = inv.out;
  if (inv.name === 'popd' || (target && (target.dynamic || target.glob || target.value === '-'))) {
    out.cwd = null;
    return;
  }
  if (!target || target.value === '~' || target.value === '') {
    out.cwd = '~';
    return;
  }
  const next = joinCwd(out.cwd, target.path);
  out.cwd = next === null ? null : next === '.' ? '' : next;
};
