/**
 * find: start directories are read recursively; `-exec`/`-execdir`/`-ok` run a command on every
 * match (analysed with `{}` standing for the matches); `-delete` and `-fprint*` write.
 */
import type { Arg } from '../words';
import type { Handler } from './types';

const EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const WRITES_FILE = new Set(['-fprint', '-fprint0', '-fprintf', '-fls']);
const READS_FILE = new Set(['-newer', '-anewer', '-cnewer', '-samefile', '-files0-from']);
const NAME_TESTS = new Set(['-name', '-iname']);

export const find: Handler = (inv) => {
  const args = inv.args;
  let i = 0;
  while (i < args.length && /^-[HLPO]/.test(args[i].value) && args[i].value.length <= 3) i++;
  const starts: Arg[] = [];
  for (; i < args.length; i++) {
    const v = args[i].value;
    if (v.startsWith('-') || v === '(' || v === '!' || v === ')') break;
    starts.push(args[i]);
  }
  if (starts.length === 0) starts.push({ value: '.', path: '.', glob: false, dynamic: false });
  const names: string[] = [];
  const execs: Arg[][] = [];
  let deletes = false;
  for (; i < args.length; i++) {
    const v = args[i].value;
    if (EXEC.has(v)) {
      const cmd: Arg[] = [];
      for (i++; i < args.length && args[i].value !== ';' && args[i].value !== '+'; i++) cmd.push(args[i]);
      execs.push(cmd);
    } else if (v === '-delete') {
      deletes = true;
    } else if (WRITES_FILE.has(v) && args[i + 1]) {
      inv.out.write(args[++i], inv.text);
    } else if (READS_FILE.has(v) && args[i + 1]) {
      inv.out.read(args[++i], inv.text);
    } else if (NAME_TESTS.has(v) && args[i + 1]) {
      names.push(args[++i].value);
    }
  }
  // one simple name test narrows what the matches can be; anything else means "anything below"
  const leaf = names.length === 1 && !names[0].includes('/') ? names[0] : '**';
  const matches: Arg[] = starts.map((s) => {
    const base = s.path.replace(/\/+$/, '') || '/';
    const path = leaf === '**' ? `${base}/**` : `${base}/**/${leaf}`;
    return { value: path, path, glob: true, dynamic: s.dynamic };
  });
  for (const s of starts) inv.out.read(s, inv.text);
  inv.out.lastPrintedPaths = matches;
  if (deletes) for (const m of matches) inv.out.write(m, inv.text, true);
  for (const cmd of execs) {
    if (cmd.length === 0) continue;
    for (const m of matches) {
      inv.run(cmd.map((a, k) => (k > 0 && a.value.includes('{}') ? { ...m, value: a.value.split('{}').join(m.value) } : a)));
    }
  }
};
