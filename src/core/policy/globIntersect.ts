/**
 * Can two globs match a common path? Used when the agent's command itself holds a glob
 * (`cat .e*`, `grep -r x .` → `./**`): if that glob can reach a denied path, the command
 * counts as touching it, whether or not such a file exists right now.
 *
 * Both globs become small NFAs over the tokens literal / `?` / `*` (no slash) / `**` (any),
 * and we search their product for a pair of accepting states. Character classes and braces
 * are over-approximated as wildcards: a false "may intersect" denies, the safe side.
 */

type Token =
  | { t: 'lit'; c: string }
  | { t: 'one'; noDot: boolean }   // `?` or a class: one non-slash char
  | { t: 'star'; noDot: boolean }  // `*`: a run of non-slash chars
  | { t: 'globstar' };             // `**`: any run of chars, slashes included

/** NFA state: token index, and whether a `noDot` star has not consumed anything yet. */
type State = number; // index * 2 + (fresh ? 1 : 0)

const OTHER = '\u0000';

/**
 * `bash`: the glob comes from a shell command, where `*` and `?` opening a path segment never
 * match a leading dot (no `dotglob`). Policy globs are compiled with `dot: true`, so they do.
 */
function tokenize(glob: string, bash: boolean): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    const noDot = bash && (i === 0 || glob[i - 1] === '/');
    if (ch === '\\' && i + 1 < glob.length) {
      out.push({ t: 'lit', c: glob[++i] });
    } else if (ch === '*') {
      if (glob[i + 1] === '*' && !bash) {
        out.push({ t: 'globstar' });
        while (glob[i + 1] === '*') i++;
      } else {
        // bash without globstar treats `**` as `*`; our own `dir/**` reads are emitted by the
        // analyser as policy-style globs (bash=false).
        while (glob[i + 1] === '*') i++;
        out.push({ t: 'star', noDot });
      }
    } else if (ch === '?') {
      out.push({ t: 'one', noDot });
    } else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) out.push({ t: 'lit', c: ch });
      else { out.push({ t: 'one', noDot }); i = close; }
    } else if (ch === '{') {
      const close = glob.indexOf('}', i);
      if (close === -1) out.push({ t: 'lit', c: ch });
      else { out.push({ t: 'globstar' }); i = close; }
    } else {
      out.push({ t: 'lit', c: ch });
    }
  }
  return out;
}

/** picomatch lets `a/**\/b` match `a/b`: each `**` + `/` may also vanish entirely. */
function variants(tokens: Token[]): Token[][] {
  let acc: Token[][] = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const next = tokens[i + 1];
    if (tok.t === 'globstar' && next && next.t === 'lit' && next.c === '/') {
      acc = [...acc.map((v) => [...v, tok, next]), ...acc.map((v) => [...v])].slice(0, 64);
      i++;
    } else {
      for (const v of acc) v.push(tok);
    }
  }
  return acc;
}

function enter(tokens: Token[], i: number): State[] {
  // Entering index i: stars may be skipped (they match the empty string).
  const out: State[] = [];
  while (true) {
    const tok = tokens[i];
    out.push(i * 2 + (tok && tok.t === 'star' && tok.noDot ? 1 : 0));
    if (tok && (tok.t === 'star' || tok.t === 'globstar')) i++;
    else return out;
  }
}

function step(tokens: Token[], s: State, sym: string): State[] {
  const i = s >> 1;
  const fresh = (s & 1) === 1;
  const tok = tokens[i];
  if (!tok) return [];
  switch (tok.t) {
    case 'lit': return tok.c === sym ? enter(tokens, i + 1) : [];
    case 'one': return sym !== '/' && !(tok.noDot && sym === '.') ? enter(tokens, i + 1) : [];
    case 'star':
      if (sym === '/' || (fresh && sym === '.')) return [];
      return [i * 2, ...enter(tokens, i + 1)];
    case 'globstar': return [i * 2, ...enter(tokens, i + 1)];
  }
}

function intersectTokens(a: Token[], b: Token[]): boolean {
  const alphabet = new Set<string>(['/', '.', OTHER]);
  for (const tok of [...a, ...b]) if (tok.t === 'lit') alphabet.add(tok.c);
  const acceptA = a.length * 2;
  const acceptB = b.length * 2;
  const seen = new Set<number>();
  const stride = acceptB + 2;
  const queue: Array<[State, State]> = [];
  const push = (sa: State[], sb: State[]): void => {
    for (const x of sa) for (const y of sb) {
      const key = x * stride + y;
      if (!seen.has(key)) { seen.add(key); queue.push([x, y]); }
    }
  };
  push(enter(a, 0), enter(b, 0));
  for (let q = 0; q < queue.length; q++) {
    const [x, y] = queue[q];
    if (x === acceptA && y === acceptB) return true;
    for (const sym of alphabet) {
      const nx = step(a, x, sym);
      if (nx.length === 0) continue;
      push(nx, step(b, y, sym));
    }
  }
  return false;
}

/**
 * `commandGlob` comes from a shell command or a tool input (bash semantics when `bash`),
 * `policyGlob` from the policy (picomatch with `dot: true`). Both absolute.
 */
export function globsIntersect(commandGlob: string, policyGlob: string, bash = true): boolean {
  // Cheap exits first: literal prefixes (and literal suffixes) that disagree cannot meet.
  const pa = literalPrefix(commandGlob);
  const pb = literalPrefix(policyGlob);
  if (!pa.startsWith(pb) && !pb.startsWith(pa)) return false;
  const sa = literalSuffix(commandGlob);
  const sb = literalSuffix(policyGlob);
  if (!sa.endsWith(sb) && !sb.endsWith(sa)) return false;
  const key = `${bash ? 1 : 0}\0${commandGlob}\0${policyGlob}`;
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  const va = variants(tokenize(commandGlob, bash));
  const vb = variants(tokenize(policyGlob, false));
  let result = false;
  outer: for (const x of va) for (const y of vb) if (intersectTokens(x, y)) { result = true; break outer; }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, result);
  return result;
}

/** Agents repeat themselves and policies are fixed: remember recent answers (bounded). */
const memo = new Map<string, boolean>();
const MEMO_LIMIT = 4096;

const WILD = /[*?[{\\]/;

function literalPrefix(glob: string): string {
  const i = glob.search(WILD);
  return i === -1 ? glob : glob.slice(0, i);
}

function literalSuffix(glob: string): string {
  for (let i = glob.length - 1; i >= 0; i--) {
    const c = glob[i];
    if (c === '*' || c === '?' || c === ']' || c === '}' || c === '\\') return glob.slice(i + 1);
  }
  return glob;
}

