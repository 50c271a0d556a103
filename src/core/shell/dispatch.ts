/**
 * Runs one argv through the command tables: emits its `shell.exec`, then whatever the command's
 * semantics say it reads, writes, reaches or runs.
 */
import type { Invocation, Stdin } from './commands/types';
import { HANDLERS } from './commands';
import { isSystemBinary, unknownProgram } from './commands/unknown';
import { dealiasPath, isDescriptorPath } from './aliases';
import { MAX_DEPTH, renderArgv, type Emitter } from './emit';
import { analyzeSource, isolated, walk } from './walk';
import type { Arg } from './words';

export function programName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}

const MAX_FUNCTION_CALLS = 32;

/** Builtins that take variable names, whose array subscripts bash evaluates (`printf -v 'a[$(cmd)]'`). */
const NAME_TAKING_BUILTINS = new Set(['printf', 'test', '[', 'unset', 'declare', 'typeset', 'local', 'export', 'readonly', 'read', 'mapfile', 'readarray', 'getopts', 'wait', 'let', 'eval']);

export function checkVariableNames(args: readonly Arg[], out: Emitter, text: string): void {
  const bad = args.find((a) => /^[A-Za-z_][A-Za-z0-9_]*\[.*[$`]/.test(a.value));
  if (bad) out.unanalyzable(`\`${bad.value}\` names an array element whose subscript bash evaluates, running any command in it`, text);
}

/** Builtins that `PATH` cannot redirect. */
const HANDLERS_SAFE_AFTER_PATH = new Set(['cd', 'echo', 'printf', 'test', '[', 'true', 'false', ':', 'export', 'read', 'set', 'shopt', 'source', '.', 'eval', 'exec', 'command', 'builtin', 'type', 'hash', 'let', 'local', 'declare', 'unset', 'trap', 'wait', 'kill', 'pwd', 'exit', 'return', 'shift', 'alias']);

export function runArgv(args: Arg[], text: string, out: Emitter, stdin: Stdin): void {
  if (args.length === 0) return;
  const head = args[0];
  const exec = out.exec(args.map((a) => a.value), text);
  if (head.dynamic) {
    out.unanalyzable(`command name comes from an expansion \`${head.value}\``, text);
    return;
  }
  if (head.glob) {
    out.unanalyzable(`command name \`${head.value}\` is a glob`, text);
    return;
  }
  if (NAME_TAKING_BUILTINS.has(head.value)) checkVariableNames(args.slice(1), out, text);
  const start = out.actions.length;
  let writes = false;
  const name = programName(head.value);
  const inv: Invocation = {
    name,
    args: args.slice(1),
    text,
    out,
    stdin,
    run: (inner) => runArgv(inner, renderArgv(inner.map((a) => a.value)), out, stdin),
    script: (source, via) => {
      if (source.dynamic) {
        out.unanalyzable(`script \`${source.value}\` comes from an expansion`, via);
        return;
      }
      // `bash -c '…'` runs in a child process: its `cd`s and variables stay there
      isolated(out, () => analyzeSource(source.value, out, via));
    },
    markWrites: () => { writes = true; },
  };
  const fn = !head.value.includes('/') ? out.functions.get(head.value) : undefined;
  if (fn) {
    // a function runs in this shell, where it is called: its paths follow the current `cd`
    out.vars.clear();
    if (++out.functionCalls > MAX_FUNCTION_CALLS) {
      out.unanalyzable(`functions are called more than ${MAX_FUNCTION_CALLS} times; the analyser stops following them`, text);
    } else if (out.depth < MAX_DEPTH) {
      out.depth++;
      walk(fn, out, stdin);
      out.depth--;
    } else {
      out.unanalyzable(`function \`${head.value}\` calls itself too deeply to analyse`, text);
    }
    return;
  }
  const handler = HANDLERS.get(name);
  // after `PATH=…` a bare name may resolve to any file: judged as that name and as an unknown program
  const byPath = (head.value.includes('/') && !isSystemBinary(head.value)) || (out.pathChanged && !HANDLERS_SAFE_AFTER_PATH.has(name));
  if (handler) handler(inv);
  if (byPath) {
    // `./run.sh` reads the script; a copied or loader-run binary (`./cat`, `/lib64/ld-linux… /bin/cat`,
    // `/proc/self/exe`) is not the program its name suggests, so its words get the unknown-program rule too
    if (isDescriptorPath(dealiasPath(head.value).path)) out.unanalyzable(`program \`${head.value}\` is read from a file descriptor`, text);
    if (head.value.includes('/')) out.read(head, text);
    unknownProgram(inv);
  } else if (!handler) {
    unknownProgram(inv);
  }
  if (writes || out.actions.slice(start).some((a) => a.kind === 'file.write')) exec.writes = true;
}
