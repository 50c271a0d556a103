// Architecture rules (docs/ARCHITECTURE.md): pure code never imports `vscode`; webviews never import
// host code; src/core keeps its layer order and has no import cycles.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { CORE_LAYERS } from './scripts/coreLayers.mjs';

const DOC = 'docs/ARCHITECTURE.md';

/** One block per src/core folder: values from a sibling or a higher layer are refused (types may cross: erased at run time). */
function coreLayerBlocks() {
  return CORE_LAYERS.flatMap((layer, i) => layer.folders.map((folder) => {
    const above = CORE_LAYERS.slice(i + 1).flatMap((l) => l.folders);
    const siblings = layer.folders.filter((f) => f !== folder);
    const patterns = [
      { regex: '(^|/)(cli|vscode)(/|$)', message: `src/core never imports the CLI or the VS Code layer (${DOC}, "Layers").` },
    ];
    const refused = [...siblings, ...above];
    if (refused.length > 0) {
      patterns.push({
        regex: `^(\\.\\./)+(${refused.join('|')})(/|$)`,
        allowTypeImports: true,
        message: `src/core/${folder} is in layer ${i} (${layer.name}): it imports values only from lower layers (${CORE_LAYERS.slice(0, i).flatMap((l) => l.folders).join(', ') || 'none'}), see ${DOC}, "Layers".`,
      });
    }
    return {
      files: [`src/core/${folder}/**/*.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', {
          paths: [{ name: 'vscode', message: `src/core is pure: it never imports vscode (${DOC}, "Layers").` }],
          patterns,
        }],
      },
    };
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='eval']", message: 'no eval' }],
    },
  },
  ...coreLayerBlocks(),
  {
    // Import cycles make load order matter (a table read before its module finished loading).
    files: ['src/**/*.ts'],
    // The bash walker's mutual recursion (walk → simple → dispatch → commands → wrappers → walk for
    // `sudo`, `bash -c`, `VAR=… cmd`; redirects → walk for process substitution) is the one known
    // cycle, kept load-safe by the lazy command table (commands/index.ts); it goes with the shell
    // rewrite. Nothing else may join this list.
    ignores: ['src/core/shell/{walk,simple,dispatch,redirects}.ts', 'src/core/shell/commands/{index,wrappers}.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: `the CLI runs without VS Code: it never imports vscode (${DOC}, "Layers").` }],
        patterns: [{ group: ['**/vscode/**', '../vscode/*'], message: `the CLI never imports the VS Code layer (${DOC}, "Layers").` }],
      }],
    },
  },
  {
    // Protocol files are shared by host and page: they may import zod, nothing from either side.
    files: ['src/vscode/webview/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: `protocol files are shared with the page (${DOC}, "Webviews").` }], patterns: [{ group: ['../*', '!../protocol/*'], message: `protocol files import only zod and each other (${DOC}, "Webviews").` }] }],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: `webview code runs in a page: it cannot import vscode (${DOC}, "Webviews").` }],
        patterns: [{ regex: '(^|/)src/(core|cli|vscode)/(?!webview/protocol/)', message: `webviews only import the typed protocol files (src/vscode/webview/protocol/*), never host code (${DOC}, "Webviews").` }],
      }],
    },
  },
);
