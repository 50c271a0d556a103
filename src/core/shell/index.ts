// Placeholder until the shell analyser lands: fails closed (every command unanalyzable).
import type { Action } from '../policy/types';

export async function initShellParser(_opts?: { wasmDir?: string }): Promise<void> {}
export function shellParserReady(): boolean { return false; }
export function analyzeShell(command: string): Action[] {
  return [{ kind: 'unanalyzable', reason: 'shell parser not initialised', text: command }];
}
export function compileShellPattern(pattern: string): (argv: string[]) => boolean {
  return (argv) => argv.join(' ') === pattern;
}
