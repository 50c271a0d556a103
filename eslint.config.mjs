// Architecture rules (CONVENTIONS.md): pure code never imports `vscode`; webviews never import host code.
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core and src/cli are pure: they must never import vscode (DESIGN.md layout).' }],
        patterns: [{ group: ['**/vscode/**', '../vscode/*'], message: 'src/core must not import the VS Code layer.' }],
      }],
    },
  },
  {
    // Protocol files are shared by host and page: they may import zod, nothing from either side.
    files: ['src/vscode/webview/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'protocol files are shared with the page.' }], patterns: [{ group: ['../*', '!../protocol/*'], message: 'protocol files import only zod and each other.' }] }],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webview code runs in a page: it cannot import vscode.' }],
        patterns: [{ regex: '(^|/)src/(core|cli|vscode)/(?!webview/protocol/)', message: 'webviews only import the typed protocol files (src/vscode/webview/protocol/*), never host code.' }],
      }],
    },
  },
);
