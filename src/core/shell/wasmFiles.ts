/**
 * The two wasm files the shell parser needs at run time. The bundler copies them next to
 * `dist/cli.js` and `dist/extension.js`; `parser.ts` looks there first, then in node_modules.
 */
import * as path from 'path';

export const TREE_SITTER_WASM = 'tree-sitter.wasm';
export const BASH_WASM = 'tree-sitter-bash.wasm';

/** Absolute source paths of the wasm files, resolved from node_modules (for esbuild.mjs to copy). */
export function shellWasmSources(): Array<{ name: string; source: string }> {
  return [
    { name: TREE_SITTER_WASM, source: require.resolve('web-tree-sitter/tree-sitter.wasm') },
    { name: BASH_WASM, source: path.join(path.dirname(require.resolve('tree-sitter-bash/package.json')), BASH_WASM) },
  ];
}
