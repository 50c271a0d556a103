/**
 * Bash evaluates array subscripts inside arithmetic, so a value like `a[$(cmd)]` runs `cmd`
 * when it reaches `$((x))`, `((x))`, `let`, `[[ x -eq 1 ]]`, `${a[x]}` or `${s:x}`. Arithmetic
 * is therefore safe only on names whose every value in the command is a number: assigned a
 * literal number or an arithmetic result, a numeric loop counter, or one of bash's own numeric
 * variables. Anything else (the environment, `read`, a substitution) could carry code.
 */
import type { Node } from 'web-tree-sitter';

const BASH_NUMERIC = new Set(['#', '?', '$', '!', '-', '0', 'RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'BASHPID', 'PPID', 'UID', 'EUID', 'EPOCHSECONDS', 'COLUMNS', 'LINES', 'OPTIND', 'SHLVL', 'HISTCMD']);
/** Commands whose output is a number or a date: safe inside `$(( $(wc -l < f) + 1 ))`. */
const NUMERIC_COMMANDS = new Set(['wc', 'date', 'nproc', 'id', 'expr', 'seq', 'stat', 'getconf', 'du', 'tput', 'echo', 'printf', 'bc']);
const ARITH_TEST = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names that only ever hold numbers in `root` (one parsed script). */
export function numericNames(root: Node): Set<string> {
  const numeric = new Set<string>();
  const tainted = new Set<string>();
  const visit = (n: Node, inArith: boolean): void => {
    const arith = inArith || isArithmeticContext(n);
    if (n.type === 'variable_assignment') {
      const nameNode = n.childForFieldName('name');
      const name = nameNode?.type === 'subscript' ? nameNode.namedChildren[0]?.text : nameNode?.text;
      const value = n.childForFieldName('value');
      if (name) {
        if (arith || !value || value.type === 'number' || value.type === 'arithmetic_expansion' || /^-?\d+$/.test(value.text) || numericSubstitution(value)) numeric.add(name);
        else tainted.add(name);
      }
    } else if (arith && (n.type === 'postfix_expression' || n.type === 'unary_expression' || n.type === 'binary_expression')) {
      for (const c of n.namedChildren) if (c && (c.type === 'word' || c.type === 'variable_name') && IDENT.test(c.text)) numeric.add(c.text);
    } else if (n.type === 'for_statement') {
      const name = n.childForFieldName('variable')?.text;
      const words = n.childrenForFieldName('value');
      if (name) {
        // `1 2 3`, `{1..5}`, `"${!arr[@]}"` (the indexes of an array) are numbers
        if (words.length > 0 && words.every((w) => w !== null && (/^\d+$/.test(w.text) || /^\{-?\d+\.\.-?\d+(\.\.\d+)?\}$/.test(w.text) || /^"?\$\{![A-Za-z_]\w*\[[@*]\]\}"?$/.test(w.text)))) numeric.add(name);
        else tainted.add(name);
      }
    } else if (n.type === 'command') {
      const cmd = n.childForFieldName('name')?.text;
      if (cmd && ['read', 'mapfile', 'readarray', 'getopts', 'printf', 'declare', 'typeset', 'local', 'export'].includes(cmd)) {
        for (const c of n.namedChildren) if (c && IDENT.test(c.text)) tainted.add(c.text);
      }
    }
    for (const c of n.namedChildren) if (c) visit(c, arith);
  };
  visit(root, false);
  for (const t of tainted) numeric.delete(t);
  return numeric;
}

/** `$(wc -l < f)`, `$(grep -c x f)`: a substitution whose command prints a number. */
function numericSubstitution(value: Node): boolean {
  const sub = value.type === 'command_substitution' ? value : value.type === 'string' && value.namedChildren.length === 1 && value.namedChildren[0]?.type === 'command_substitution' ? value.namedChildren[0] : null;
  if (!sub) return false;
  const cmd = firstCommand(sub);
  const name = cmd?.childForFieldName('name')?.text;
  return name !== undefined && (NUMERIC_COMMANDS.has(name) || (name === 'grep' && /\s-[a-zA-Z]*c\b|--count/.test(cmd?.text ?? '')));
}

function firstCommand(n: Node): Node | null {
  if (n.type === 'command') return n;
  for (const c of n.namedChildren) {
    const found = c ? firstCommand(c) : null;
    if (found) return found;
  }
  return null;
}

function isArithmeticContext(n: Node): boolean {
  return n.type === 'arithmetic_expansion' || n.type === 'c_style_for_statement'
    || (n.type === 'compound_statement' && n.children[0]?.type === '((');
}

/**
 * Why an arithmetic context may run code, or undefined when every name in it is numeric.
 * Called for the contexts listed in the file comment.
 */
export function arithmeticRisk(n: Node, numeric: ReadonlySet<string>): string | undefined {
  let risk: string | undefined;
  const check = (c: Node): void => {
    if (risk) return;
    if (c.type === 'command_substitution') {
      const name = firstCommand(c)?.childForFieldName('name')?.text;
      if (!name || !NUMERIC_COMMANDS.has(name)) risk = `arithmetic on the output of \`${c.text.slice(0, 40)}\` evaluates array subscripts in it, which can run commands`;
      return;
    }
    if (c.type === 'variable_name' || c.type === 'word' || c.type === 'special_variable_name') {
      const t = c.text;
      if ((IDENT.test(t) || c.type === 'special_variable_name') && !numeric.has(t) && !BASH_NUMERIC.has(t)) {
        risk = `arithmetic on \`${t}\` evaluates array subscripts in its value, which can run commands`;
      }
      return;
    }
    for (const k of c.namedChildren) if (k) check(k);
  };
  check(n);
  return risk;
}

/** `[[ a -eq b ]]`: both sides are arithmetic. */
export function isArithmeticTest(n: Node): boolean {
  return n.type === 'binary_expression' && n.children.some((c) => c?.type === 'test_operator' && ARITH_TEST.has(c.text));
}

export { isArithmeticContext };
