/**
 * One simple command: prefix assignments, the words, and redirections attached to it.
 */
import type { Node } from 'web-tree-sitter';
import type { Stdin } from './commands/types';
import { runArgv } from './dispatch';
import type { Emitter } from './emit';
import { redirectTarget, type RedirectEffect } from './redirects';
import { walk, analyzeSource, isolated } from './walk';
import { classifyVar } from './envVars';
import { urlHosts } from './urlHost';
import { evalWord, type Arg } from './words';

const TTY: Stdin = { kind: 'tty', upstream: [] };

export function analyzeSimpleCommand(n: Node, out: Emitter, stdin: Stdin, outer: RedirectEffect[], text = n.text): void {
  const visit = (s: Node) => walk(s, out, TTY);
  out.lastCommandCwds = out.cwds;
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

/** `GIT_CONFIG_COUNT=1 git …`, `export GIT_DIR=…`, `env GIT_CONFIG_…=` all end up here. */
export function checkAssignment(n: Node, out: Emitter, text: string): void {
  const nameNode = n.childForFieldName('name');
  const valueNode = n.childForFieldName('value');
  const value: Arg | undefined = valueNode ? evalWord(valueNode, (s) => walk(s, out, TTY), out) : undefined;
  // `BASH_ALIASES[ls]=…` assigns to BASH_ALIASES
  const name = nameNode?.type === 'subscript' ? nameNode.namedChildren[0]?.text ?? '' : nameNode?.text ?? '';
  checkVariable(name, value, out, text);
}

export function checkVariable(name: string, value: Arg | undefined, out: Emitter, text: string): void {
  if (out.integers.has(name) && value && !/^-?\d+$/.test(value.value)) {
    out.unanalyzable(`\`${name}\` is declared integer, so its value \`${value.value}\` is evaluated as arithmetic, which can run commands`, text);
  }
  if (name.startsWith('BASH_FUNC_')) {
    out.unanalyzable(`\`${name}\` defines a function that child shells run`, text);
    return;
  }
  if (name === 'NODE_OPTIONS') {
    if (value && (value.dynamic || /(^|\s)(-r|--require|--import|--loader|--experimental-loader|--experimental-[\w-]*|--env-file|--inspect[\w-]*|-e|--eval|-p|--print)\b/.test(value.value))) {
      out.unanalyzable('`NODE_OPTIONS` preloads code or opens a debugger the analyser cannot see', text);
    }
    return;
  }
  const rule = classifyVar(name);
  if (!rule) return;
  const shown = value ? `${name}=${value.value}` : name;
  switch (rule.class) {
    case 'lane':
      out.tamper(`assignment to \`${name}\` ${rule.why}`, text);
      return;
    case 'code':
      // an empty value switches the feature off (`PAGER= git log`, `LESSOPEN=`)
      if (!value || value.dynamic || (value.value !== '' && (!rule.risky || rule.risky.test(value.value)))) out.unanalyzable(`\`${name}\` ${rule.why}`, text);
      return;
    case 'script':
      if (!value) return;
      if (value.dynamic) out.unanalyzable(`\`${name}\` is set from an expansion \`${value.value}\``, text);
      else if (value.value.trim() !== '') isolated(out, () => analyzeSource(value.value, out, text));
      return;
    case 'host': {
      if (!value || value.value.trim() === '') return;
      if (value.dynamic) { out.net({ host: `(${value.value})` }, `\`${shown}\` ${rule.why}`); return; }
      const hosts = /^[a-z][a-z0-9+.-]*:\/\//i.test(value.value) ? urlHosts(value.value) : value.value.split(/[,\s]+/).filter(Boolean).flatMap((v) => urlHosts(v.includes('://') ? v : `//${v}`));
      if (hosts.length === 0) out.net({ host: `(${name})` }, `\`${shown}\` ${rule.why}`);
      for (const h of hosts) out.net(h, `\`${shown}\` ${rule.why}`, value.value);
      return;
    }
    case 'config':
      if (value && !value.dynamic && rule.risky && !rule.risky.test(value.value)) return;
      out.net({ host: `(hosts from \`${name}\`)` }, `\`${shown}\` ${rule.why}`);
      return;
    case 'shell':
      if (name === 'IFS') out.ifs = true;
      if (name === 'CDPATH' && value && value.value !== '') out.cdpath = true;
      if (name === 'GLOBIGNORE') out.options.dotglob = true;
      if (name === 'PWD' || name === 'OLDPWD') out.vars.delete(name);
      if (name === 'PATH') out.pathChanged = true;
      return;
  }
}
