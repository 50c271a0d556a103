/**
 * Mocha-like console output for results collected in one or more VS Code runs. The last line
 * is `N passed, N failed` alone, which CI reads as the test count.
 */
import type { RunResults } from '../runner-extension/src/protocol';

export interface WorkspaceOutcome {
  readonly workspace: string;
  readonly seconds: number;
  readonly results?: RunResults;
  /** Why the run produced no results (start failure, activation failure, timeout). */
  readonly error?: string;
}

/** Prints one workspace's tests; returns whether it passed as a whole. */
export function printOutcome(outcome: WorkspaceOutcome): boolean {
  const { results } = outcome;
  console.log(`\nworkspace ${outcome.workspace}${results ? ` (VS Code ${results.vscodeVersion})` : ''} — ${outcome.seconds.toFixed(1)} s`);
  if (!results) {
    console.log(`  ✗ run failed: ${outcome.error ?? 'no results'}`);
    return false;
  }
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.fullTitle}${t.state === 'pending' ? ' (skipped)' : ` (${t.durationMs} ms)`}`);
    if (t.error) console.log(`      ${(t.error.stack ?? t.error.message).split('\n').slice(0, 8).join('\n      ')}`);
  }
  if (results.fatal) console.log(`  ✗ ${results.fatal}`);
  if (results.tests.length === 0 && !results.fatal) console.log('  ✗ no tests ran (a --grep that matches nothing, or suites that registered none)');
  return !results.fatal && results.failed === 0 && results.tests.length > 0;
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

export function totalsOf(outcomes: readonly WorkspaceOutcome[]): Totals {
  let passed = 0;
  let failed = 0;
  let pending = 0;
  for (const { results } of outcomes) {
    passed += results?.passed ?? 0;
    pending += results?.pending ?? 0;
    // A run that never reported counts as one failure so the total can't look green.
    // Same for a run that ran no test at all.
    failed += results ? results.failed + (results.fatal || results.tests.length === 0 ? 1 : 0) : 1;
  }
  return { passed, failed, pending };
}

export function printTotals(totals: Totals): void {
  console.log(`${totals.passed} passed, ${totals.failed} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`);
}
