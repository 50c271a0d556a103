/**
 * Shell analyser cost on realistic agent commands: tree-sitter parse alone, the full
 * `analyzeShell`, a cold start (wasm load), and — to justify the parser choice — `sh-syntax`
 * (mvdan/sh compiled to wasm) parsing the same commands.
 *
 *   npx tsx bench/shell.ts
 */
import { performance } from 'node:perf_hooks';
import { parse as shParse } from 'sh-syntax';
import { analyzeShell, initShellParser } from '../src/core/shell';
import { parseBash } from '../src/core/shell/parser';

export interface ShellBenchRow {
  name: string;
  p50us: number;
  p99us: number;
  note?: string;
}

/** Commands of the kind agents send, 40–300 characters. */
export const AGENT_COMMANDS: readonly string[] = [
  'cd /work/repo && npm test -- --grep "shell analyser" 2>&1 | tail -40',
  'git status --porcelain && git diff --stat HEAD~1 -- src/ test/ | cat',
  'npx tsc --noEmit -p . 2>&1 | grep -E "src/core/(shell|policy)" | head -20',
  'find src -name "*.ts" -not -path "*/node_modules/*" | xargs grep -ln "analyzeShell" | sort',
  'rg -n --hidden -g "!node_modules" "TODO|FIXME" src test | wc -l',
  'git add src/core/shell test/unit/shell && git commit -m "shell: unwrap xargs and find -exec" -- src/core/shell',
  "cat package.json | jq -r '.scripts | to_entries[] | \"\\(.key): \\(.value)\"'",
  'for f in src/core/*/index.ts; do echo "== $f"; head -n 20 "$f"; done',
  'mkdir -p test/fixtures/shell-bypass && cat > test/fixtures/shell-bypass/extra.jsonl <<EOF\n{"command": "cat .env"}\nEOF',
  'NODE_ENV=test timeout 120 npx mocha "test/unit/**/*.test.ts" --reporter dot || echo "tests failed: $?"',
  'curl -sSL https://registry.npmjs.org/web-tree-sitter | jq -r \'.["dist-tags"].latest\'',
  'sed -i "s/export function analyze(/export function analyzeShell(/" src/core/shell/index.ts && git diff src/core/shell/index.ts',
  'python3 -m pytest tests/ -x -q --tb=short -k "not slow" 2>&1 | tail -25',
  'docker ps --format "{{.Names}}\\t{{.Status}}" | grep -v Exited | sort -k2',
  'ls -la src/core && du -sh node_modules/web-tree-sitter node_modules/tree-sitter-bash',
  'git log --oneline --since="2 weeks ago" --author="$(git config user.email)" | head -30',
  'test -f .agentlane/policy.yaml && npx tsx src/cli/main.ts policy check .agentlane/policy.yaml || echo "no policy"',
  '(cd test/fixtures/workspaces/basic && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init)',
  'bash -c "npm run build && node dist/cli.js --version" && sudo -u deploy systemctl restart agentlane',
  'echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD)" >> docs/build-log.md; tail -n 3 docs/build-log.md',
];

/**
 * Inputs built to cost the most the budget allows (`src/core/shell/budget.ts`): the largest
 * command, parses just under the parse budget, loops and functions that multiply work, a long
 * heredoc. Their slowest decision is the reported worst-case bound.
 */
const FILL = (unit: (i: number) => string, sep: string, max: number): string => {
  let s = '';
  for (let i = 0; s.length + sep.length + unit(i).length <= max; i++) s += (i ? sep : '') + unit(i);
  return s;
};
export const WORST_CASE_COMMANDS: ReadonlyArray<[string, string]> = [
  ['16 KiB pipeline (past the parse budget)', FILL((i) => `cat f${i}`, ' | ', 16 * 1024 - 1)],
  ['1.5 KiB pipeline (inside the parse budget)', FILL((i) => `cat src/f${i}.ts`, ' | ', 1536)],
  ['16 KiB and-list of cd', FILL((i) => `cd d${i}`, ' && ', 16 * 1024 - 1)],
  ['16 KiB of words', `echo ${FILL((i) => `w${i}`, ' ', 16 * 1024 - 6)}`],
  ['16 KiB of substitutions', `echo ${FILL((i) => `$(cat f${i})`, ' ', 16 * 1024 - 6)}`],
  ['16 KiB heredoc', `cat > src/a.ts <<'EOF'\n${FILL((i) => `export const x${i} = ${i};`, '\n', 16 * 1024 - 40)}\nEOF`],
  ['nested loops, 16 words each', 'for a in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do for b in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do for c in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat src/$a$b$c.ts; done; done; done'],
  ['function fan-out', 'a(){ cat src/x.ts; }; b(){ a; a; a; a; }; c(){ b; b; b; b; }; d(){ c; c; c; c; }; d; d; d; d'],
  ['loop of 16 globs', `for f in ${Array.from({ length: 16 }, (_, i) => `src/m${i}/*.ts`).join(' ')}; do wc -l "$f"; grep -n TODO "$f"; done`],
];

/** Slowest of `rounds` runs of `fn` on each worst-case input, in µs, and which input it was. */
export function worstCase(rounds: number, fn: (cmd: string) => void): { us: number; name: string } {
  let worst = { us: 0, name: '' };
  for (const [name, cmd] of WORST_CASE_COMMANDS) {
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      fn(cmd);
      const us = (performance.now() - t0) * 1000;
      if (r > 0 && us > worst.us) worst = { us, name };
    }
  }
  return worst;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function summarise(name: string, samples: number[], note?: string): ShellBenchRow {
  const s = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { name, p50us: round(percentile(s, 50)), p99us: round(percentile(s, 99)), ...(note ? { note } : {}) };
}

function timeSync(rounds: number, fn: (cmd: string) => void): number[] {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const cmd of AGENT_COMMANDS) {
      const t0 = performance.now();
      fn(cmd);
      samples.push((performance.now() - t0) * 1000);
    }
  }
  return samples;
}

export async function benchShell(): Promise<ShellBenchRow[]> {
  const t0 = performance.now();
  await initShellParser();
  const coldMs = performance.now() - t0;
  const rows: ShellBenchRow[] = [];
  rows.push({ name: 'tree-sitter init (wasm load)', p50us: Math.round(coldMs * 1000), p99us: Math.round(coldMs * 1000), note: 'once per process' });

  timeSync(20, (c) => parseBash(c)?.delete()); // warm-up
  rows.push(summarise('tree-sitter-bash parse', timeSync(200, (c) => parseBash(c)?.delete()), `${AGENT_COMMANDS.length} commands`));
  timeSync(20, (c) => analyzeShell(c));
  rows.push(summarise('analyzeShell (parse + analysis)', timeSync(200, (c) => analyzeShell(c))));

  const worst = worstCase(5, (c) => analyzeShell(c));
  rows.push({ name: 'analyzeShell worst case (budget-bound inputs)', p50us: Math.round(worst.us), p99us: Math.round(worst.us), note: `slowest: ${worst.name}` });

  const sh: number[] = [];
  for (let r = 0; r < 3; r++) { for (const c of AGENT_COMMANDS) await shParse(c); } // warm-up (async wasm)
  for (let r = 0; r < 20; r++) {
    for (const c of AGENT_COMMANDS) {
      const s0 = performance.now();
      await shParse(c);
      sh.push((performance.now() - s0) * 1000);
    }
  }
  rows.push(summarise('sh-syntax 0.7 parse (async)', sh, 'parse only, no analysis'));
  return rows;
}

if (require.main === module) {
  benchShell().then(
    (rows) => {
      const w = Math.max(...rows.map((r) => r.name.length));
      console.log(`${'benchmark'.padEnd(w)}  ${'p50 µs'.padStart(10)}  ${'p99 µs'.padStart(10)}  note`);
      for (const r of rows) console.log(`${r.name.padEnd(w)}  ${String(r.p50us).padStart(10)}  ${String(r.p99us).padStart(10)}  ${r.note ?? ''}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
