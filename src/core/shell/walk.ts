/**
 * Walks the bash syntax tree: lists, pipelines, groups, subshells, control flow, redirections
 * and substitutions, handing every simple command to `simple.ts`. Anything the walker does not
 * know is searched for nested commands rather than skipped, so new grammar cannot hide a command.
 */
import type { Node } from 'web-tree-sitter';
import type { Stdin } from './commands/types';
import { arithmeticRisk, isArithmeticContext, isArithmeticTest } from './arithmetic';
import { Emitter, MAX_DEPTH, unionCwds, type Cwd } from './emit';
import { ParseBudgetExceeded, parseBashWithin } from './parser';
import { BudgetExceeded, MAX_PARSE_PROGRESS } from './budget';
import { analyzeSimpleCommand, checkAssignment } from './simple';
import { redirectTarget, type RedirectEffect } from './redirects';
import { evalWord, literalArg, visitSubstitutions } from './words';
import { checkVariableNames } from './dispatch';

const TTY: Stdin = { kind: 'tty', upstream: [] };

/** Parses `source` and analyses it into `out`; used for the top level and for `bash -c '…'`. */
export function analyzeSource(source: string, out: Emitter, via: string): void {
  if (out.depth >= MAX_DEPTH) {
    out.unanalyzable('commands nested too deeply to analyse', via);
    return;
  }
  let tree;
  try {
    tree = parseBashWithin(source, MAX_PARSE_PROGRESS);
  } catch (err) {
    if (err instanceof ParseBudgetExceeded) throw new BudgetExceeded(`command is too complex to parse within the analyser's budget (${MAX_PARSE_PROGRESS} parser progress reports)`);
    throw err;
  }
  if (!tree) {
    out.unanalyzable('shell parser not initialised', source);
    return;
  }
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      const bad = firstError(root);
      const near = bad ? bad.text.slice(0, 40) || bad.type : source.slice(0, 40);
      out.unanalyzable(`bash parse error near \`${near}\``, source);
    }
    out.scripts.push(root);
    out.depth++;
    walk(root, out, TTY);
    out.depth--;
  } finally {
    out.forgetScript(tree.rootNode);
    tree.delete();
  }
}

function firstError(n: Node): Node | null {
  if (n.isError || n.isMissing) return n;
  for (const c of n.children) {
    if (c && (c.hasError || c.isMissing || c.isError)) return firstError(c) ?? c;
  }
  return null;
}

export function walk(n: Node, out: Emitter, stdin: Stdin): void {
  out.budget.spend(1);
  if (isArithmeticContext(n) || isArithmeticTest(n)) {
    // a C-style loop's arithmetic is its header; the body is walked as commands
    const parts = n.type === 'c_style_for_statement' ? n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'do_group' && c.type !== 'compound_statement') : [n];
    const risk = parts.map((p) => arithmeticRisk(p, out.numeric)).find((r) => r !== undefined);
    if (risk) out.unanalyzable(risk, n.text);
  }
  switch (n.type) {
    case 'command':
      analyzeSimpleCommand(n, out, stdin, []);
      return;
    case 'pipeline':
      walkPipeline(n.namedChildren.filter(isNode), out, stdin);
      return;
    case 'redirected_statement':
      walkRedirected(n, out, stdin);
      return;
    case 'subshell':
    case 'command_substitution':
    case 'process_substitution':
      isolated(out, () => walkChildren(n, out, stdin));
      return;
    case 'variable_assignment':
      checkAssignment(n, out, n.text);
      rememberAssignment(n, out);
      return;
    case 'declaration_command':
    case 'unset_command':
      analyzeDeclaration(n, out);
      return;
    case 'comment':
    case 'heredoc_body':
      visitSubstitutions(n, (s) => walk(s, out, TTY));
      return;
    case 'list':
      walkList(n, out, stdin);
      return;
    case 'file_redirect':
    case 'herestring_redirect':
      // a redirection with no command (`$(< .env)`, `> f`) still opens its file
      redirectTarget(n, out).emit(out);
      return;
    case 'if_statement':
    case 'case_statement':
      branches(out, () => walkChildren(n, out, stdin));
      return;
    case 'while_statement':
    case 'until_statement':
    case 'c_style_for_statement':
      loop(n, out, stdin);
      return;
    case 'for_statement':
      forLoop(n, out, stdin);
      return;
    case 'function_definition':
      defineFunction(n, out, stdin);
      return;
    default:
      walkChildren(n, out, stdin);
  }
}

/** Statements in order; one sent to the background with `&` runs in a subshell. */
function walkChildren(n: Node, out: Emitter, stdin: Stdin): void {
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i];
    if (!c || !c.isNamed) continue;
    const next = kids[i + 1];
    if (next && !next.isNamed && next.type === '&') isolated(out, () => walk(c, out, stdin));
    else walk(c, out, stdin);
    out.success = undefined;
  }
}

/**
 * `a && b`: b runs only where a succeeded (a `cd` that worked); `a || b`: b runs where a
 * failed. Afterwards the directory is any of the places either path may have left it.
 */
function walkList(n: Node, out: Emitter, stdin: Stdin): void {
  const named = n.namedChildren.filter(isNode);
  const op = n.children.find((c) => c !== null && !c.isNamed && (c.type === '&&' || c.type === '||'))?.type;
  if (named.length !== 2 || !op) {
    walkChildren(n, out, stdin);
    return;
  }
  walk(named[0], out, stdin);
  const after = out.cwds;
  const success = out.success ?? after;
  out.success = undefined;
  out.cwds = op === '&&' ? success : after;
  walk(named[1], out, stdin);
  const rightSuccess = out.success;
  out.cwds = unionCwds(after, out.cwds);
  out.success = op === '&&' ? rightSuccess : undefined;
}

/** `if`/`case`: any branch may run, or none. */
function branches(out: Emitter, fn: () => void): void {
  const start = out.cwds;
  fn();
  out.cwds = unionCwds(start, out.cwds);
  out.success = undefined;
}

/** A loop body may run zero, one or more times: a `cd` inside is walked once more from where it left. */
function loop(n: Node, out: Emitter, stdin: Stdin): void {
  const start = out.cwds;
  walkChildren(n, out, stdin);
  if (!sameCwds(start, out.cwds)) {
    const body = n.childForFieldName('body');
    out.cwds = unionCwds(start, out.cwds);
    if (body) walk(body, out, stdin);
  }
  out.cwds = unionCwds(start, out.cwds);
  out.success = undefined;
}

const MAX_LOOP_WORDS = 16;

/**
 * `for f in src/*.ts; do wc -l "$f"; done`: the body is analysed once per word, with `$f`
 * standing for that word (a glob stays a glob). A list that is not known statically leaves
 * `$f` unknown, which file rules read as "any path".
 */
function forLoop(n: Node, out: Emitter, stdin: Stdin): void {
  const name = n.childForFieldName('variable')?.text;
  const words = n.childrenForFieldName('value').filter(isNode);
  const body = n.childForFieldName('body');
  if (!name || !body) {
    loop(n, out, stdin);
    return;
  }
  const values = words.map((w) => evalWord(w, (s) => walk(s, out, TTY), out));
  // one level of loops is unrolled; a loop inside an unrolled loop keeps its variable unknown
  const known = out.unrolling === 0 && words.length > 0 && values.length <= MAX_LOOP_WORDS && values.every((v) => !v.dynamic);
  const start = out.cwds;
  if (!known) {
    out.vars.delete(name);
    walk(body, out, stdin);
  } else {
    out.unrolling++;
    try {
      for (const v of values) {
        out.vars.set(name, v);
        walk(body, out, stdin);
      }
    } finally {
      out.unrolling--;
    }
    out.vars.delete(name);
  }
  if (!sameCwds(start, out.cwds)) {
    out.cwds = unionCwds(start, out.cwds);
    walk(body, out, stdin);
  }
  out.cwds = unionCwds(start, out.cwds);
  out.success = undefined;
}

function sameCwds(a: readonly Cwd[], b: readonly Cwd[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** The body is analysed where it is defined and again wherever it is called (`dispatch.ts`). */
function defineFunction(n: Node, out: Emitter, stdin: Stdin): void {
  const name = n.childForFieldName('name')?.text;
  const body = n.childForFieldName('body');
  if (!body) return;
  if (name) out.functions.set(name, body);
  isolated(out, () => walk(body, out, stdin));
}

/** `x=value` as a statement of its own at the top level: later `$x` is that value. */
function rememberAssignment(n: Node, out: Emitter): void {
  const nameNode = n.childForFieldName('name');
  const name = nameNode?.text ?? '';
  const valueNode = n.childForFieldName('value');
  const topLevel = n.parent?.type === 'program';
  if (!topLevel || !valueNode || nameNode?.type !== 'variable_name') {
    out.vars.delete(name);
    return;
  }
  const value = evalWord(valueNode, () => undefined, out);
  if (value.dynamic) out.vars.delete(name);
  else out.vars.set(name, { ...value, glob: value.glob || /[*?[]/.test(value.value) });
}

function isNode(n: Node | null): n is Node {
  return n !== null;
}

/** Pipeline stages run in subshells: a `cd` in one stage does not move the others. */
function walkPipeline(stages: Node[], out: Emitter, stdin: Stdin, first: Stdin = stdin): void {
  const upstream = [...stdin.upstream];
  let paths: Stdin['paths'];
  // a heredoc or here-string at the head of a pipeline is still a script if it reaches `sh`
  const fed = first.kind === 'heredoc' || first.kind === 'herestring' ? first.kind : first.fed;
  stages.forEach((stage, i) => {
    const input: Stdin = i === 0 ? first : { kind: 'pipe', upstream: [...upstream], paths, fed };
    const before = out.actions.length;
    isolated(out, () => walk(stage, out, input));
    upstream.push(...stageNames(out, before));
    paths = out.lastPrintedPaths;
    out.lastPrintedPaths = undefined;
  });
}

/** Names of the programs a stage ran (after unwrapping), for "decoded payload piped to `sh`". */
function stageNames(out: Emitter, from: number): string[] {
  const names: string[] = [];
  for (const a of out.actions.slice(from)) {
    if (a.kind === 'shell.exec' && a.argv.length > 0) names.push(a.argv[0].split('/').pop() ?? a.argv[0]);
  }
  return names;
}

/** A subshell: its `cd`s, variables and options do not reach the commands after it. */
export function isolated(out: Emitter, fn: () => void): void {
  const cwds = out.cwds;
  const vars = new Map(out.vars);
  const options = { ...out.options };
  try {
    fn();
  } finally {
    out.cwds = cwds;
    out.success = undefined;
    out.vars.clear();
    for (const [k, v] of vars) out.vars.set(k, v);
    Object.assign(out.options, options);
  }
}

function walkRedirected(n: Node, out: Emitter, stdin: Stdin): void {
  const startCwds = out.cwds;
  const body = n.childForFieldName('body');
  const redirects = n.children.filter((c): c is Node => c !== null && c.isNamed && c.id !== body?.id);
  const effects: RedirectEffect[] = [];
  let input = stdin;
  const following: Node[] = [];
  for (const r of redirects) {
    if (r.type === 'heredoc_redirect') {
      input = { kind: 'heredoc', upstream: [] };
      for (const c of r.namedChildren) {
        if (!c) continue;
        if (c.type === 'file_redirect' || c.type === 'herestring_redirect') effects.push(redirectTarget(c, out));
        else if (c.type === 'heredoc_body') visitSubstitutions(c, (s) => walk(s, out, TTY));
        else if (!c.type.startsWith('heredoc_')) following.push(c);
      }
    } else if (r.type === 'file_redirect' || r.type === 'herestring_redirect') {
      const effect = redirectTarget(r, out);
      if (effect.stdin) input = { kind: effect.stdin, upstream: [] };
      effects.push(effect);
    } else {
      following.push(r);
    }
  }
  const before = out.actions.length;
  const pipedTail = following.find((f) => f.type === 'pipeline');
  if (body && pipedTail) {
    // `cat <<EOF | python`: the grammar hangs the rest of the pipeline under the heredoc
    walkPipeline([body, ...pipedTail.namedChildren.filter(isNode)], out, stdin, input);
  } else if (body) {
    if (body.type === 'command') analyzeSimpleCommand(body, out, input, effects, following.length === 0 ? n.text : body.text);
    else walk(body, out, input);
  }
  if (!body || body.type !== 'command') {
    // the grammar hangs `a && b > f` on the whole list, but bash redirects only `b`, where `b` ran
    // a group, loop or subshell opens its redirections before it runs, where it started
    const saved = out.cwds;
    if (body && (body.type === 'list' || body.type === 'pipeline') && out.lastCommandCwds) out.cwds = out.lastCommandCwds;
    else out.cwds = startCwds;
    try {
      applyEffects(effects, out, before);
    } finally {
      out.cwds = saved;
    }
  }
  for (const f of following) if (f.id !== pipedTail?.id) walk(f, out, stdin);
}

/** Redirections on a group or list: their writes mark every command inside as writing. */
function applyEffects(effects: RedirectEffect[], out: Emitter, from: number): void {
  const execs = out.actions.slice(from).filter((a) => a.kind === 'shell.exec');
  for (const e of effects) {
    e.emit(out);
    if (e.writes) for (const x of execs) if (x.kind === 'shell.exec') x.writes = true;
  }
}

/** Variables that carry the lane's enforcement into the agent's processes. */
export function isLaneVariable(name: string): boolean {
  return /^GIT_CONFIG/.test(name) || name === 'GIT_DIR' || name === 'GIT_COMMON_DIR' || /^AGENTLANE_/.test(name);
}

function analyzeDeclaration(n: Node, out: Emitter): void {
  const argv: string[] = [];
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'variable_assignment') checkAssignment(c, out, n.text);
    if (c.type === 'variable_assignment') out.vars.delete(c.childForFieldName('name')?.text ?? '');
    if (c.isNamed && c.type !== 'variable_assignment') argv.push(evalWord(c, (s) => walk(s, out, TTY), out).value);
    else argv.push(c.type === 'variable_assignment' ? c.text : c.text);
  }
  checkVariableNames(argv.slice(1).map((v) => literalArg(v)), out, n.text);
  // `declare -i n`: later assignments to n are arithmetic, where `a[$(cmd)]` runs cmd
  if (argv.some((a) => /^-[a-zA-Z]*i/.test(a))) for (const a of argv.slice(1)) if (/^[A-Za-z_]\w*/.test(a) && !a.startsWith('-')) out.integers.add(a.split('=')[0]);
  // `declare -n r=NAME`: `$r` then expands NAME, whose subscript (`a[$(cmd)]`) is evaluated
  if (argv.some((a) => /^-[a-zA-Z]*n/.test(a)) && argv.some((a) => a.includes('=') && (/[[$`]/.test(a.slice(a.indexOf('=')))))) {
    out.unanalyzable('`declare -n` names a variable that is not known, and expanding it can run commands', n.text);
  }
  // `unset GIT_CONFIG_COUNT` drops the env that points git at the lane's hooks.
  if (n.type === 'unset_command' || argv[0] === 'unset') {
    for (const name of argv.slice(1)) {
      if (!name.startsWith('-') && isLaneVariable(name)) out.tamper(`unsetting \`${name}\` removes the git configuration that enforces the lane`, n.text);
    }
  }
  out.exec(argv, n.text);
}
