/**
 * Owns the one tree-sitter parser for bash. Loading is async (wasm), parsing is sync so that
 * `analyzeShell` can stay a pure synchronous function on the hot path of `evaluate()`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser } from 'web-tree-sitter';
import type { Tree } from 'web-tree-sitter';
import { BASH_WASM, TREE_SITTER_WASM, shellWasmSources } from './wasmFiles';

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** First existing candidate: an explicit dir, next to the bundle, then node_modules. */
function locate(name: string, wasmDir: string | undefined): string {
  const candidates: string[] = [];
  if (wasmDir) candidates.push(path.join(wasmDir, name));
  candidates.push(path.join(__dirname, name));
  try {
    const fromModules = shellWasmSources().find((w) => w.name === name);
    if (fromModules) candidates.push(fromModules.source);
  } catch {
    // bundled without node_modules: only the candidates above exist
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`shell parser wasm \`${name}\` not found in ${candidates.map((c) => `\`${c}\``).join(', ')}`);
  return found;
}

export function initParser(opts?: { wasmDir?: string }): Promise<void> {
  if (!loading) {
    loading = (async () => {
      const runtime = locate(TREE_SITTER_WASM, opts?.wasmDir);
      const grammar = locate(BASH_WASM, opts?.wasmDir);
      await Parser.init({ locateFile: () => runtime });
      const bash = await Language.load(grammar);
      const p = new Parser();
      p.setLanguage(bash);
      parser = p;
    })();
    // a failed load may be retried (e.g. with a different wasmDir)
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

export function parserReady(): boolean {
  return parser !== undefined;
}

/** Parses synchronously; the caller must `delete()` the tree (wasm memory is not GC'd). */
export function parseBash(source: string): Tree | null {
  if (!parser) return null;
  return parser.parse(source);
}

/** Thrown when parsing needed more steps than its budget; the parser is reset for the next call. */
export class ParseBudgetExceeded extends Error {}

/**
 * Parses with a work budget: tree-sitter reports progress every few hundred parse steps, and
 * past `maxProgressCalls` reports the parse is cancelled. Deterministic (it counts steps, not
 * time), and cheap for everyday commands, which never reach a report.
 */
export function parseBashWithin(source: string, maxProgressCalls: number): Tree | null {
  if (!parser) return null;
  let calls = 0;
  const tree = parser.parse(source, null, { progressCallback: () => (++calls > maxProgressCalls) as unknown as void });
  if (calls > maxProgressCalls || !tree) {
    tree?.delete();
    parser.reset();
    throw new ParseBudgetExceeded(`parsing needs more than ${maxProgressCalls} steps`);
  }
  return tree;
}

/** How many progress reports parsing `source` takes (for the benchmark's worst-case table). */
export function parseProgressCalls(source: string): number {
  if (!parser) return 0;
  let calls = 0;
  parser.parse(source, null, { progressCallback: () => { calls++; } })?.delete();
  return calls;
}
