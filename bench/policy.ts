/**
 * Decision latency of the policy engine on a 200-rule policy: path, MCP, network and shell
 * requests (shell commands of realistic length), plus compile time.
 *   npx tsx bench/policy.ts
 */
import { performance } from 'node:perf_hooks';
import { loadPolicyFromText } from '../src/core/policy/load';
import { compilePolicy } from '../src/core/policy/compile';
import { evaluate } from '../src/core/policy/evaluate';
import { initShellParser } from '../src/core/shell';
import { AGENT_COMMANDS, worstCase } from './shell';
import { percentile, printTable, sampleMicros, type BenchRow } from './stats';

const ROOT = '/work/repo';

/** 200 rules spread over every section, shaped like real org policies. */
export function bigPolicy(): string {
  const lines = ['version: 1', 'mode: build', 'paths:', '  deny:'];
  for (let i = 0; i < 50; i++) lines.push(`    - "secrets-${i}/**"`);
  lines.push('    - "**/.env*"', '    - "**/*.pem"', '  protect:');
  for (let i = 0; i < 20; i++) lines.push(`    - ".github/workflows-${i}/**"`);
  lines.push('  write:');
  for (let i = 0; i < 30; i++) lines.push(`    - "pkg-${i}/src/**"`);
  lines.push('    - "src/**"', 'shell:', '  deny:');
  for (let i = 0; i < 30; i++) lines.push(`    - "tool-${i} deploy*"`);
  lines.push('    - "git push*"', '  ask:');
  for (let i = 0; i < 20; i++) lines.push(`    - "tool-${i} release*"`);
  lines.push('  allow:', '    - "npm test"', '  otherwise: allow', '  unanalyzable: deny', 'network:', '  allow:');
  for (let i = 0; i < 30; i++) lines.push(`    - "*.svc-${i}.corp.example.com"`);
  lines.push('    - "registry.npmjs.org"', '  otherwise: deny', 'mcp:', '  tiers:');
  for (let i = 0; i < 16; i++) lines.push(`    srv${i}: T${i % 3}`);
  lines.push('  otherwise: T2');
  return `${lines.join('\n')}\n`;
}

export async function benchPolicy(): Promise<BenchRow[]> {
  await initShellParser();
  const text = bigPolicy();
  const t0 = performance.now();
  let compiled;
  for (let i = 0; i < 20; i++) {
    const r = loadPolicyFromText(text, `${ROOT}/.agentlane/policy.yaml`, 'workspace');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    compiled = compilePolicy({ layers: [r.layer], home: '/home/dev' });
  }
  const compileMs = (performance.now() - t0) / 20;
  const policy = compiled!;
  const ctx = { workspaceRoot: ROOT, home: '/home/dev' };
  const rows: BenchRow[] = [{ name: 'policy compile (200 rules, load+compile)', value: compileMs, unit: 'ms', note: 'target < 50 ms' }];
  const cases: Array<[string, Array<{ tool: string; input: unknown }>, string]> = [
    ['path', [
      { tool: 'Read', input: { file_path: `${ROOT}/src/core/policy/evaluate.ts` } },
      { tool: 'Write', input: { file_path: `${ROOT}/pkg-12/src/a/b/c.ts`, content: '' } },
      { tool: 'Read', input: { file_path: `${ROOT}/secrets-31/key.txt` } },
      { tool: 'Edit', input: { file_path: `${ROOT}/docs/readme.md`, old_string: 'a', new_string: 'b' } },
    ], 'target p99 < 20 µs'],
    ['mcp', [{ tool: 'mcp__srv3__query', input: {} }, { tool: 'mcp__other__x', input: {} }], 'target p99 < 20 µs'],
    ['network', [
      { tool: 'WebFetch', input: { url: 'https://api.svc-17.corp.example.com/v1', prompt: '' } },
      { tool: 'WebFetch', input: { url: 'https://evil.example.net/x', prompt: '' } },
    ], 'target p99 < 20 µs'],
    ['shell', AGENT_COMMANDS.map((command) => ({ tool: 'Bash', input: { command } })), 'target p99 < 300 µs'],
  ];
  for (const [name, reqs, note] of cases) {
    const samples = sampleMicros(reqs, (r) => evaluate({ ...r, cwd: ROOT }, policy, ctx), name === 'shell' ? 20000 : 100000);
    rows.push({ name: `decide ${name} p50`, value: percentile(samples, 50), unit: 'µs' });
    rows.push({ name: `decide ${name} p99`, value: percentile(samples, 99), unit: 'µs', note });
  }
  const worst = worstCase(5, (command) => evaluate({ tool: 'Bash', input: { command }, cwd: ROOT }, policy, ctx));
  rows.push({ name: 'decide shell worst case (budget-bound inputs)', value: worst.us, unit: 'µs', note: `bound; slowest: ${worst.name}` });
  return rows;
}

if (require.main === module) {
  void benchPolicy().then((rows) => printTable('policy engine', rows));
}
