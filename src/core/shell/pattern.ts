/**
 * Policy shell patterns, e.g. `git push*`, `sudo *`, `npm test`, `rm -rf /*`.
 *
 * Semantics (matching one simple command's argv, after wrappers were unwrapped):
 *  - The first pattern word matches the program's basename (`/bin/rm` is `rm`); `*` matches any.
 *  - Pattern words starting with `-` are required flags, matched as a set regardless of order or
 *    clustering: `-rf` requires `r` and `f`, satisfied by `-fr`, `-r -f`, `-Rf` or
 *    `--recursive --force` (per-program synonyms below). Unlisted argv flags are ignored.
 *  - Other pattern words are operands (subcommands, paths), matched in order against argv's
 *    operands. Flags that take a value (`git -C dir`, `sudo -u user`) are skipped with their value,
 *    so `git push*` matches `git -C . push origin`.
 *  - An operand word is exact unless it has glob characters: a trailing `*` is a prefix match
 *    (`push*` matches `push`, `push-x`); other globs use picomatch with bash semantics.
 *  - If the last pattern word ends in `*` (or is `*`), any further operands are allowed;
 *    otherwise argv must have exactly as many operands as the pattern (so `npm test` does not
 *    match `npm test foo`, but does match `npm test --silent`).
 * Everything is compiled once; a match is a few array and set operations.
 */
import picomatch from 'picomatch';
import { GIT_GLOBAL_WITH_VALUE } from './commands/gitOptions';

type WordMatcher = (word: string) => boolean;

/** Canonical flag names per program: long options and case variants mapped to one key. */
const SYNONYMS: Record<string, Record<string, string>> = {
  rm: { R: 'r', recursive: 'r', force: 'f', dir: 'd', verbose: 'v', interactive: 'i' },
  cp: { R: 'r', recursive: 'r', force: 'f', archive: 'a' },
  chmod: { recursive: 'R' },
  chown: { recursive: 'R' },
  git: { force: 'f', 'no-verify': 'n', all: 'a', message: 'm', delete: 'd', 'force-with-lease': 'f' },
  npm: { global: 'g', force: 'f' },
  curl: { output: 'o', data: 'd', request: 'X', location: 'L', silent: 's', insecure: 'k' },
  sudo: { user: 'u', shell: 's', login: 'i' },
};

/** Options whose value is a separate word, so it is not mistaken for an operand. */
const VALUE_FLAGS: Record<string, ReadonlySet<string>> = {
  git: new Set([...GIT_GLOBAL_WITH_VALUE, 'm', 'F', 'message', 'file', 'o', 'push-option', 'b', 'u', 'depth', 'reference', 'template', 'author', 'date', 'x', 'exec', 'format', 'pretty', 'n', 'max-count']),
  sudo: new Set(['u', 'g', 'p', 'U', 'r', 't', 'C', 'h', 'D', 'user', 'group', 'prompt', 'chdir']),
  npm: new Set(['w', 'workspace', 'prefix', 'C', 'registry', 'tag', 'otp', 'loglevel']),
  curl: new Set(['o', 'd', 'H', 'X', 'u', 'A', 'F', 'T', 'output', 'data', 'header', 'request', 'user', 'form', 'upload-file']),
  docker: new Set(['H', 'host', 'context', 'config', 'l', 'log-level']),
  timeout: new Set(['k', 's', 'signal', 'kill-after']),
  ssh: new Set(['p', 'i', 'l', 'o', 'F', 'J', 'L', 'R', 'D', 'W']),
};

interface Argv { name: string; flags: Set<string>; longFlags: string[]; operands: string[] }

function canonical(program: string, flag: string): string {
  return SYNONYMS[program]?.[flag] ?? flag;
}

function split(program: string, words: readonly string[]): Argv {
  const flags = new Set<string>();
  const longFlags: string[] = [];
  const operands: string[] = [];
  const valueFlags = VALUE_FLAGS[program];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (w.length < 2 || !w.startsWith('-')) {
      operands.push(w);
      continue;
    }
    if (w.startsWith('--')) {
      const [name] = w.slice(2).split('=', 1);
      flags.add(canonical(program, name));
      longFlags.push(w.slice(2));
      if (!w.includes('=') && valueFlags?.has(name)) i++;
      continue;
    }
    const cluster = w.slice(1);
    for (let j = 0; j < cluster.length; j++) {
      flags.add(canonical(program, cluster[j]));
      if (valueFlags?.has(cluster[j])) {
        if (j === cluster.length - 1) i++;
        break;
      }
    }
  }
  return { name: program, flags, longFlags, operands };
}

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}

const GLOB = /[*?[\]{}]/;

function wordMatcher(word: string): WordMatcher {
  if (!GLOB.test(word)) return (w) => w === word;
  const stem = word.slice(0, -1);
  if (word.endsWith('*') && !GLOB.test(stem)) return (w) => w.startsWith(stem);
  const isMatch = picomatch(word, { bash: true, dot: true });
  return (w) => isMatch(w);
}

export function compileShellPattern(pattern: string): (argv: string[]) => boolean {
  const words = pattern.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return () => false;
  const [programWord, ...rest] = words;
  const anyProgram = programWord === '*';
  const programMatch = wordMatcher(programWord);
  const program = programWord;
  const last = words[words.length - 1];
  const openEnded = last.endsWith('*');
  const pat = split(program, rest);
  // the final open-ended word: `*` alone means "any further operands (zero or more)"
  const operandWords = openEnded && last === '*' && !last.startsWith('-') ? pat.operands.slice(0, -1) : pat.operands;
  const operandMatchers = operandWords.map(wordMatcher);
  const requiredFlags = [...pat.flags].filter((f) => !f.endsWith('*'));
  // `--force*`: any long flag starting with `force`, or the short synonym of `force` itself
  const flagPrefixes = pat.longFlags.filter((f) => f.endsWith('*')).map((f) => f.slice(0, -1));
  const exactOperands = !(openEnded && (last === '*' || !last.startsWith('-')));
  const onlyProgram = words.length === 1;

  return (argv) => {
    if (argv.length === 0) return false;
    const name = basename(argv[0]);
    if (!anyProgram && !programMatch(name)) return false;
    if (onlyProgram) return openEnded || argv.length === 1;
    const a = split(anyProgram ? name : program, argv.slice(1));
    for (const f of requiredFlags) if (!a.flags.has(f)) return false;
    for (const p of flagPrefixes) if (!a.longFlags.some((l) => l.startsWith(p)) && !a.flags.has(canonical(a.name, p))) return false;
    if (a.operands.length < operandMatchers.length) return false;
    if (exactOperands && !openEnded && a.operands.length !== operandMatchers.length) return false;
    for (let i = 0; i < operandMatchers.length; i++) if (!operandMatchers[i](a.operands[i])) return false;
    return true;
  };
}
