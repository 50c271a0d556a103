/**
 * Turns one tree-sitter word node into what the shell would pass to the program, after quote
 * removal. Expansions cannot be known statically, so each word carries two renderings:
 * `value` keeps the expansion text (for argv and shell rules) and `path` replaces it with a glob
 * (for file rules: conservative, it matches whatever the variable might hold).
 */
import type { Node } from 'web-tree-sitter';
import type { Emitter } from './emit';
import { arithmeticRisk } from './arithmetic';

export interface Arg {
  /** After quote removal; expansions kept as written (`$X`, `$(…)`). */
  value: string;
  /** Path rendering: `$HOME` → `~`, `$PWD` → `.`, other expansions → `*` or `**`. */
  path: string;
  /** Unquoted glob characters or an expansion rendered as a glob. */
  glob: boolean;
  /** Contains something only known at run time (variable, substitution, arithmetic). */
  dynamic: boolean;
  /** Whole word is one process substitution `<(…)`/`>(…)`. */
  procSub?: boolean;
}

/** Called for every `$(…)`, backtick and `<(…)`/`>(…)` found inside a word. */
export type SubstitutionVisitor = (node: Node) => void;

interface Acc { value: string; path: string; glob: boolean; dynamic: boolean; out?: Emitter; quoted: boolean }

const SUBSTITUTIONS = new Set(['command_substitution', 'process_substitution']);

export function literalArg(value: string): Arg {
  return { value, path: value, glob: false, dynamic: false };
}

/** `out`, when given, supplies known variable values and receives code-running expansions. */
export function evalWord(node: Node, visit: SubstitutionVisitor, out?: Emitter): Arg {
  const acc: Acc = { value: '', path: '', glob: false, dynamic: false, out, quoted: false };
  out?.budget.spend(1);
  part(node, acc, visit);
  const arg: Arg = { value: acc.value, path: acc.path, glob: acc.glob, dynamic: acc.dynamic };
  if (node.type === 'process_substitution') arg.procSub = true;
  return arg;
}

function part(n: Node, acc: Acc, visit: SubstitutionVisitor): void {
  switch (n.type) {
    case 'word':
      unquoted(n.text, acc);
      return;
    case 'number':
    case 'string_content':
      literal(n.type === 'string_content' ? unescapeDoubleQuoted(n.text) : n.text, acc);
      return;
    case 'raw_string':
      literal(n.text.slice(1, -1), acc);
      return;
    case 'ansi_c_string':
      literal(decodeAnsiC(n.text.slice(2, -1)), acc);
      return;
    case 'string':
    case 'translated_string':
    case 'concatenation': {
      const wasQuoted = acc.quoted;
      if (n.type !== 'concatenation') acc.quoted = true;
      for (const c of n.children) {
        if (!c) continue;
        if (c.type === '"' || c.type === '$"') continue;
        if (!c.isNamed && n.type !== 'concatenation') {
          literal(c.text, acc); // a lone `$` inside quotes is literal
          continue;
        }
        part(c, acc, visit);
      }
      acc.quoted = wasQuoted;
      return;
    }
    case 'simple_expansion':
    case 'expansion':
      variable(n, acc, visit);
      return;
    default:
      if (n.type === 'arithmetic_expansion' && acc.out) {
        const risk = arithmeticRisk(n, acc.out.numeric);
        if (risk) acc.out.unanalyzable(risk, n.text);
      }
      if (SUBSTITUTIONS.has(n.type)) visit(n);
      else visitSubstitutions(n, visit);
      // substitutions, arithmetic, brace ranges, anything new in the grammar: unknown at parse time
      acc.value += n.text;
      acc.path += wildcardFor(acc.path);
      acc.glob = true;
      acc.dynamic = true;
  }
}

/** Any `$(…)` nested anywhere below `n` (e.g. in `${X:-$(cat .env)}` or `$(( $(id -u) ))`). */
export function visitSubstitutions(n: Node, visit: SubstitutionVisitor): void {
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (SUBSTITUTIONS.has(c.type)) visit(c);
    else visitSubstitutions(c, visit);
  }
}

function literal(text: string, acc: Acc): void {
  acc.value += text;
  acc.path += text;
}

/** Unquoted text: backslash escapes, glob characters (`*?[` and brace lists) stay active. */
function unquoted(text: string, acc: Acc): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      i++;
      if (next === undefined || next === '\n') continue;
      acc.value += next;
      acc.path += next;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[' || ch === '{') acc.glob = true;
    acc.value += ch;
    acc.path += ch;
  }
}

function variable(n: Node, acc: Acc, visit: SubstitutionVisitor): void {
  visitSubstitutions(n, visit);
  const name = n.namedChildren.find((c) => c?.type === 'variable_name' || c?.type === 'special_variable_name')?.text
    ?? n.namedChildren.find((c) => c?.type === 'subscript')?.namedChildren[0]?.text;
  // `${HOME}` with no operator is the home dir; `${HOME:-x}`, `${#HOME}` are not
  const plain = n.type === 'simple_expansion' || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(n.text);
  if (acc.out) expansionRisks(n, name, acc.out);
  const known = plain && name !== undefined ? acc.out?.vars.get(name) : undefined;
  if (known && (acc.quoted || (!acc.out?.ifs && !known.glob && /^[\w@%+=:,./~-]*$/.test(known.value)))) {
    acc.value += known.value;
    acc.path += known.path;
    acc.glob = acc.glob || known.glob;
    acc.dynamic = acc.dynamic || known.dynamic;
    return;
  }
  acc.value += n.text;
  acc.dynamic = true;
  if (plain && name === 'HOME' && acc.path === '') {
    acc.path += '~';
    return;
  }
  if (plain && name === 'PWD' && acc.path === '') {
    acc.path += '.';
    return;
  }
  acc.path += wildcardFor(acc.path);
  acc.glob = true;
}

/**
 * Expansions that run code or change variables: `${x@P}` expands `$(…)` inside the value as a
 * prompt does; `${!x}` and a subscript evaluate the value as a name or arithmetic, where
 * `a[$(cmd)]` runs `cmd`; `${x:=v}` assigns.
 */
function expansionRisks(n: Node, name: string | undefined, out: Emitter): void {
  if (n.type !== 'expansion') return;
  const kids = n.children.filter((c): c is Node => c !== null);
  const ops = kids.filter((c) => !c.isNamed).map((c) => c.text);
  if (ops.includes('@') && kids.some((c) => c.text === 'P' || c.text === 'E' || c.text === 'A')) {
    out.unanalyzable(`\`${n.text}\` expands its value as a prompt, running any \`$(…)\` inside it`, n.text);
  }
  const bang = kids.findIndex((c) => c.text === '!');
  if (bang === 1 && !/^\$\{![A-Za-z_][A-Za-z0-9_]*(\[[@*]\]|[@*])\}$/.test(n.text)) {
    out.unanalyzable(`\`${n.text}\` expands a variable named by another value, whose subscript can run commands`, n.text);
  }
  for (const sub of kids.filter((c) => c.type === 'subscript')) {
    const index = sub.namedChildren[1];
    if (index && !/^(\d+|[@*])$/.test(index.text)) {
      const risk = arithmeticRisk(index, out.numeric);
      if (risk) out.unanalyzable(risk, n.text);
    }
  }
  if (name && (ops.includes(':=') || ops.includes('='))) out.vars.delete(name);
}

/**
 * A variable standing for a whole path segment may hold slashes (`$F` = `secrets/key`), so it
 * becomes `**`; inside a segment (`key.$EXT`) it becomes `*`; at the very start it may hold an
 * absolute path, so it becomes `/**`. All deliberately wide.
 */
function wildcardFor(pathSoFar: string): string {
  // A path that *starts* with an expansion can be absolute (`$(echo $HOME)/.ssh/x`): anywhere.
  if (pathSoFar === '') return '/**';
  return pathSoFar.endsWith('/') ? '**' : '*';
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

const C_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** `$'…'` decoding, so `$'\x63at' .env` is seen as `cat .env`. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const e = body[++i];
    if (e in C_ESCAPES) {
      out += C_ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const max = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1, i + 1 + max));
      if (!m) { out += '\\' + e; continue; }
      out += String.fromCodePoint(parseInt(m[0], 16));
      i += m[0].length;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
      const digits = m ? m[0] : e;
      out += String.fromCharCode(parseInt(digits, 8) & 0xff);
      i += digits.length - 1;
    } else if (e === 'c' && i + 1 < body.length) {
      out += String.fromCharCode(body.charCodeAt(++i) & 0x1f);
    } else {
      out += '\\' + e;
    }
  }
  return out;
}
