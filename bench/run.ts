/**
 * `npm run bench`: every benchmark, one table. Not a test: nothing here asserts; the README's
 * Benchmarks section is this output. `--only name[,name]` runs a subset; `--quick` uses
 * smaller corpora where a benchmark supports it.
 */
import { printTable, type BenchRow } from './stats';

type Bench = { name: string; run: (quick: boolean) => Promise<BenchRow[]> };

const BENCHES: Bench[] = [
  { name: 'policy', run: async () => (await import('./policy')).benchPolicy() },
  {
    name: 'shell',
    run: async () => (await (await import('./shell')).benchShell()).flatMap((r) => [
      { name: `${r.name} p50`, value: r.p50us, unit: 'µs', note: r.note },
      { name: `${r.name} p99`, value: r.p99us, unit: 'µs' },
    ]),
  },
  { name: 'decorations', run: async () => (await import('./decorations')).benchDecorations() },
  { name: 'trace', run: async () => (await import('./trace')).benchTrace() },
  { name: 'budget', run: async (quick) => (await import('./budget')).benchBudget(quick ? { mb: 50 } : {}) },
  { name: 'gateway', run: async () => (await import('./gateway')).benchGateway() },
];

async function optional(file: string, fn: string): Promise<Bench['run'] | undefined> {
  try {
    const mod = (await import(file)) as Record<string, unknown>;
    const f = mod[fn];
    return typeof f === 'function' ? (() => (f as () => Promise<BenchRow[]>)()) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(argv[onlyIdx + 1]?.split(',')) : undefined;
  const quick = argv.includes('--quick');
  // Benchmarks owned by later pieces register themselves when their files exist.
  for (const [name, file, fn] of [
    ['ledger', './ledger', 'benchLedger'], ['session', './session', 'benchSession'], ['load', './load', 'benchLoad'],
    ['package', './package', 'benchPackage'], ['sandbox', './sandbox', 'benchSandbox'], ['agent-hooks', './agentHooks', 'benchAgentHooks'],
  ] as const) {
    const run = await optional(file, fn);
    if (run) BENCHES.push({ name, run });
  }
  for (const b of BENCHES) {
    if (only && !only.has(b.name)) continue;
    try {
      printTable(b.name, await b.run(quick));
    } catch (err) {
      process.stdout.write(`\n${b.name}: failed — ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}

void main();
