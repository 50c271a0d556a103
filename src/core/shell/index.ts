/**
 * The shell command analyser: a bash command line in, the actions it would perform out.
 * Built on tree-sitter-bash (wasm) — see `bench/shell.ts` for why that parser.
 */
import type { Action } from '../policy/types';
import { BudgetExceeded, MAX_COMMAND_CHARS } from './budget';
import { Emitter } from './emit';
import { initParser, parserReady } from './parser';
import { analyzeSource } from './walk';

export { compileShellPattern } from './pattern';
export { MAX_COMMAND_CHARS, MAX_WORK } from './budget';
export { urlHost } from './urlHost';

/** Loads web-tree-sitter and the bash grammar; safe to call many times. */
export async function initShellParser(opts?: { wasmDir?: string }): Promise<void> {
  await initParser(opts);
}

export function shellParserReady(): boolean {
  return parserReady();
}

/** Synchronous and pure: no I/O. Fails closed when the parser is not loaded. */
export function analyzeShell(command: string): Action[] {
  if (!parserReady()) return [{ kind: 'unanalyzable', reason: 'shell parser not initialised', text: command }];
  if (command.length > MAX_COMMAND_CHARS) {
    return [{ kind: 'unanalyzable', reason: `command is ${command.length} characters; the analyser reads at most ${MAX_COMMAND_CHARS}`, text: command.slice(0, 200) }];
  }
  const out = new Emitter();
  try {
    analyzeSource(command, out, command);
  } catch (err) {
    if (BudgetExceeded.is(err)) {
      // what was found so far stays (it may name the denied path); the rest is unknown
      out.actions.push({ kind: 'unanalyzable', reason: err.reason, text: command.slice(0, 200) });
      return out.actions;
    }
    const detail = err instanceof Error ? err.message : String(err);
    out.unanalyzable(`shell analyser failed: ${detail}`, command);
  }
  return out.actions;
}
