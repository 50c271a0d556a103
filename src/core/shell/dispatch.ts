/**
 * Runs one argv through the command tables: emits its `shell.exec`, then whatever the command's
 * semantics say it reads, writes, reaches or runs.
 */
import type { Invocation, Stdin } from './commands/types';
import { HANDLERS } from './commands';
import { renderArgv, type Emitter } from './emit';
import { analyzeSource } from './walk';
import type { Arg } from './words';

export function programName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}

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
      const cwd = out.cwd;
      analyzeSource(source.value, out, via);
      out.cwd = cwd;
    },
    markWrites: () => { writes = true; },
  };
  const handler = HANDLERS.get(name);
  if (handler) handler(inv);
  else if (head.value.includes('/')) out.read(head, text); // `./run.sh`: the script file is read
  if (writes || out.actions.slice(start).some((a) => a.kind === 'file.write')) exec.writes = true;
}
