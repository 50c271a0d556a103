// Bundles the extension, the CLI and the webview scripts; copies the shell parser's wasm.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // The shell parser resolves its wasm from node_modules only when run from source; bundles look next to themselves.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

const cjsShims = { define: { 'import.meta.url': 'import_meta_url' }, inject: ['scripts/esbuild-import-meta-url.js'] };
const node = [
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], ...cjsShims },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...cjsShims },
];

// Webview front ends: one bundle per page, browser platform, no access to host code.
const mediaEntries = existsSync('media') ? readdirSync('media').filter((f) => /^[a-zA-Z]+\.ts$/.test(f) && !f.startsWith('protocol')) : [];
const web = mediaEntries.map((f) => ({
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  entryPoints: [`media/${f}`],
  outfile: `dist/media/${f.replace(/\.ts$/, '.js')}`,
}));

function copyWasm() {
  mkdirSync('dist', { recursive: true });
  const files = [
    ['tree-sitter.wasm', require.resolve('web-tree-sitter/tree-sitter.wasm')],
    ['tree-sitter-bash.wasm', path.join(path.dirname(require.resolve('tree-sitter-bash/package.json')), 'tree-sitter-bash.wasm')],
  ];
  for (const [name, source] of files) copyFileSync(source, path.join('dist', name));
}

// Codicons for the webviews: referenced from pages as `dist/media/codicon.css` (the css loads the ttf beside it).
function copyCodicons() {
  mkdirSync(path.join('dist', 'media'), { recursive: true });
  const dir = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  for (const name of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(dir, name), path.join('dist', 'media', name));
}

copyWasm();
copyCodicons();
const configs = [...node.map((c) => ({ ...common, ...c })), ...web];
if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
