/** Shared helpers for the benchmarks: percentiles over a timed loop. Benchmarks, not tests. */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Runs `fn` over `inputs` round-robin `iterations` times after a warm-up; returns µs samples sorted. */
export function sampleMicros<T>(inputs: readonly T[], fn: (x: T) => unknown, iterations: number): number[] {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(inputs[i % inputs.length]);
  const out = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const x = inputs[i % inputs.length];
    const t0 = performance.now();
    fn(x);
    out[i] = (performance.now() - t0) * 1000;
  }
  return out.sort((a, b) => a - b);
}

export function printTable(title: string, rows: readonly BenchRow[]): void {
  const fmt = (v: number): string => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  for (const r of rows) process.stdout.write(`${r.name.padEnd(w)}  ${fmt(r.value).padStart(12)} ${r.unit.padEnd(10)} ${r.note ?? ''}\n`);
}
