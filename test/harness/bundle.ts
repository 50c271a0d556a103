/**
 * Bundles the test runner (with mocha inside) and the integration suites with esbuild.
 * `vscode` stays external: the extension host provides the real module at require time.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNNER_EXTENSION_SRC, SUITES_DIR } from './paths';

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // Inline maps keep stack traces pointing at the .ts files without shipping extra files.
  sourcemap: 'inline',
  logLevel: 'error',
};

export function suiteFiles(dir = SUITES_DIR): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
}

/** One bundle with every suite, loaded by mocha as a single file. */
export async function bundleSuites(outfile: string): Promise<void> {
  const files = suiteFiles();
  if (files.length === 0) throw new Error(`no *.test.ts files in ${SUITES_DIR}`);
  await esbuild.build({
    ...COMMON,
    stdin: {
      contents: files.map((f) => `import './${f}';`).join('\n'),
      resolveDir: SUITES_DIR,
      sourcefile: 'integration-suites.ts',
      loader: 'ts',
    },
    outfile,
  });
}

async function bundleEntry(entry: string, outfile: string): Promise<void> {
  await esbuild.build({ ...COMMON, entryPoints: [path.join(RUNNER_EXTENSION_SRC, 'src', entry)], outfile });
}

/**
 * Builds a ready-to-copy runner extension folder: package.json + dist/runner.js + dist/suites.js.
 * The harness copies it into each run's --extensions-dir and adds run-config.json.
 */
export async function buildRunnerExtension(outDir: string): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(RUNNER_EXTENSION_SRC, 'package.json'), path.join(outDir, 'package.json'));
  await Promise.all([
    bundleEntry('runner.ts', path.join(outDir, 'dist', 'runner.js')),
    bundleSuites(path.join(outDir, 'dist', 'suites.js')),
  ]);
}

/** For @vscode/test-electron: dist/index.js (exports run) next to dist/suites.js. */
export async function buildElectronTests(outDir: string): Promise<string> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const index = path.join(outDir, 'index.js');
  await Promise.all([bundleEntry('electronIndex.ts', index), bundleSuites(path.join(outDir, 'suites.js'))]);
  return index;
}
