/**
 * One simple command: prefix assignments, the words, and redirections attached to it.
 */
import type { Node } from 'web-tree-sitter';
import type { Stdin } from './commands/types';
import { runArgv } from './dispatch';
import type { Emitter } from './emit';
import { redirectTarget, type RedirectEffect } from './redirects';
import { walk, analyzeSource } from './walk';
import { evalWord, type Arg } from './words';

const TTY: Stdin = { kind: 'tty', upstream: [] };

export function analyzeSimpleCommand(n: Node, out: Emitter, stdin: Stdin, outer: RedirectEffect[], text = n.text): void {
  const visit = (s: Node) => walk(s, out, TTY);
  const nameNode = n.childForFieldName('name');
  const effects = [...outer];
  let input = stdin;
  const words: Node[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'variable_assignment') checkAssignment(c, out, n.text);
    else if (c.type === 'file_redirect' || c.type === 'herestring_redirect') {
      const effect = redirectTarget(c, out);
      if (effect.stdin) input = { kind: effect.stdin, upstream: [] };
      effects.push(effect);
    } else if (nameNode && c.id === nameNode.id) words.unshift(c.namedChildren[0] ?? c);
    else words.push(c);
  }
  if (!nameNode) {
    for (const e of effects) e.emit(out);
    return;
  }
  const args = words.map((w) => evalWord(w, visit, out));
  const at = out.actions.length;
  runArgv(args, text, out, input);
  const exec = out.actions[at];
  for (const e of effects) {
    e.emit(out);
    if (e.writes && exec?.kind === 'shell.exec') exec.writes = true;
  }
}

/** Variables that make git or the shell run something the command line does not show. */
const SCRIPT_VARS = new Set([
  'GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EXTERNAL_DIFF', 'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR', 'EDITOR', 'VISUAL', 'PAGER', 'GIT_PAGER', 'GIT_PROXY_COMMAND',
]);
const CODE_LOADING_VARS = new Set(['LD_PRELOAD', 'LD_AUDIT', 'BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'DYLD_INSERT_LIBRARIES', 'PERL5OPT', 'PYTHONSTARTUP', 'PYTHONPATH', 'NODE_PATH']);

/** `GIT_CONFIG_COUNT=1 git …`, `export GIT_DIR=…`, `env GIT_CONFIG_…=` all end up here. */
export function checkAssignment(n: Node, out: Emitter, text: string): void {
  const nameNode = n.childForFieldName('name');
  const valueNode = n.childForFieldName('value');
  const value: Arg | undefined = valueNode ? evalWord(valueNode, (s) => walk(s, out, TTY), out) : undefined;
  checkVariable(nameNode?.text ?? '', value, out, text);
}

export function checkVariable(name: string, value: Arg | undefined, out: Emitter, text: string): void {
  if (/^GIT_CONFIG/.test(name) || name === 'GIT_DIR' || name === 'GIT_COMMON_DIR') {
    out.tamper(`assignment to \`${name}\` overrides git configuration that enforces the lane`, text);
    return;
  }
  if (CODE_LOADING_VARS.has(name)) {
    out.unanalyzable(`\`${name}\` loads code the analyser cannot see`, text);
    return;
  }
  if (name === 'NODE_OPTIONS' && value && /(^|\s)(-r|--require|--import|--loader|--experimental-loader)\b/.test(value.value)) {
    out.unanalyzable('`NODE_OPTIONS` preloads a module the analyser cannot see', text);
    return;
  }
  if (SCRIPT_VARS.has(name) && value) {
    if (value.dynamic) out.unanalyzable(`\`${name}\` is set from an expansion \`${value.value}\``, text);
    else if (value.value.trim() !== '') analyzeSource(value.value, out, text);
  }
}
