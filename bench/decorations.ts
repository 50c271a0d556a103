/**
 * Explorer decoration cost: classify 100,000 workspace paths against the 200-rule policy
 * after compile. Target under 2 µs per path.
 *   npx tsx bench/decorations.ts
 */
import { performance } from 'node:perf_hooks';
import { loadPolicyFromText } from '../src/core/policy/load';
import { compilePolicy } from '../src/core/policy/compile';
import { pathClassifier } from '../src/core/policy/pathClassifier';
import { bigPolicy } from './policy';
import { printTable, type BenchRow } from './stats';

function workspacePaths(n: number): string[] {
  const dirs = ['src/core', 'src/ui/components', 'test/unit', 'pkg-7/src/lib', 'docs/guide', 'node_modules/left-pad/lib', 'secrets-3', '.github/workflows-2', 'config'];
  const exts = ['ts', 'tsx', 'json', 'md', 'pem', 'js', 'yaml'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${dirs[i % dirs.length]}/d${i % 97}/file-${i}.${exts[i % exts.length]}`);
  return out;
}

export async function benchDecorations(): Promise<BenchRow[]> {
  const r = loadPolicyFromText(bigPolicy(), '/work/repo/.agentlane/policy.yaml', 'workspace');
  const m = loadPolicyFromText('version: 1\npaths:\n  write: ["src/**", "test/**"]\n', '/work/repo/.agentlane/missions/M.yaml', 'mission');
  if (!r.ok || !m.ok) throw new Error('bench policy invalid');
  const classifier = pathClassifier(compilePolicy({ layers: [r.layer, m.layer], home: '/home/dev' }));
  const paths = workspacePaths(100_000);
  let marked = 0;
  for (const p of paths.slice(0, 5000)) classifier.classify(p); // warm-up
  const t0 = performance.now();
  for (const p of paths) if (classifier.classify(p)) marked++;
  const ms = performance.now() - t0;
  return [
    { name: 'decorate 100,000 paths (200-rule policy + mission)', value: ms, unit: 'ms', note: `${marked} marked` },
    { name: 'decoration cost per path', value: (ms * 1000) / paths.length, unit: 'µs', note: 'target < 2 µs' },
  ];
}

if (require.main === module) void benchDecorations().then((rows) => printTable('explorer decorations', rows));
