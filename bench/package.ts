/**
 * Packaging numbers: VSIX size (production bundle, as published) and extension activation time
 * measured inside real VS Code (code-server) by the integration harness.
 *   npx tsx bench/package.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { printTable, type BenchRow } from './stats';

const ROOT = path.join(__dirname, '..');

export async function benchPackage(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentlane-pkg-'));
  const rows: BenchRow[] = [];
  try {
    execFileSync('node', ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });
    const vsix = path.join(dir, 'agent-lane.vsix');
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix], { cwd: ROOT, stdio: 'ignore' });
    rows.push({ name: 'VSIX size (production bundle)', value: Math.round(statSync(vsix).size / 1024), unit: 'KB', note: 'target < 2048 KB' });
    const activation = path.join(dir, 'activation.json');
    try {
      execFileSync('npx', ['tsx', 'test/harness/runIntegration.ts', '--workspace', 'basic', '--grep', 'activation'], {
        cwd: ROOT, stdio: 'ignore', env: { ...process.env, AGENTLANE_BENCH_ACTIVATION_FILE: activation },
      });
      const { activationMs } = JSON.parse(readFileSync(activation, 'utf8')) as { activationMs: number };
      rows.push({ name: 'activation in real VS Code (code-server)', value: activationMs, unit: 'ms', note: 'target < 50 ms' });
    } catch (err) {
      rows.push({ name: 'activation in real VS Code (code-server)', value: NaN, unit: 'ms', note: `not measured: ${(err as Error).message.split('\n')[0]} (run npm run setup:vscode)` });
    }
  } finally {
    // Leave a development build behind, as `npm run build` would.
    execFileSync('node', ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) void benchPackage().then((rows) => printTable('packaging', rows));
