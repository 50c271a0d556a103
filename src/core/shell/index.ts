/**
 * The shell command analyser: a bash command line in, the actions it would perform out.
 * Built on tree-sitter-bash (wasm) — see `bench/shell.ts` for why that parser.
 */
import type { Action } from '../policy/types';
import { Emitter } from './emit';
import { initParser, parserReady } from './parser';
import { analyzeSource } from './walk';

export { compileShellPattern } from './pattern';
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
  const out = new Emitter();
  try {
    analyzeSource(command, out, command);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    out.unanalyzable(`shell analyser failed: ${detail}`, command);
  }
  return out.actions;
}
