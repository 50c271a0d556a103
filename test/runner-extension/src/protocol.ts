/**
 * What the harness tells the runner and what the runner hands back, shared by both sides.
 * Pure types and parsing: imported by the runner (extension host) and the harness (Node).
 */

/** Written by the harness as `run-config.json` next to the runner's package.json. */
export interface RunConfig {
  /** Absolute path the runner writes `RunResults` to (atomically: tmp file + rename). */
  readonly resultsPath: string;
  /** Name of the workspace fixture this run opened; suites use it to pick what applies. */
  readonly workspace: string;
  /** Optional mocha grep, to run a subset while debugging. */
  readonly grep?: string;
}

export const RUN_CONFIG_FILE = 'run-config.json';
export const SUITES_BUNDLE = 'dist/suites.js';
/** Env var through which suites learn the fixture (set by the runner before loading them). */
export const WORKSPACE_ENV = 'AGENTLANE_TEST_WORKSPACE';
/** Env var giving the results path to the test-electron index (code-server uses RunConfig). */
export const RESULTS_ENV = 'AGENTLANE_TEST_RESULTS';

export type TestState = 'passed' | 'failed' | 'pending';

export interface TestResult {
  readonly fullTitle: string;
  readonly state: TestState;
  readonly durationMs: number;
  readonly error?: { readonly message: string; readonly stack?: string };
}

export interface RunResults {
  readonly workspace: string;
  readonly vscodeVersion: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly tests: readonly TestResult[];
  /** Set when the suites could not even be loaded or run; counts are then meaningless. */
  readonly fatal?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseRunConfig(value: unknown): RunConfig {
  if (!isRecord(value) || typeof value.resultsPath !== 'string' || typeof value.workspace !== 'string') {
    throw new Error('run-config.json needs string `resultsPath` and `workspace`');
  }
  if (value.grep !== undefined && typeof value.grep !== 'string') throw new Error('run-config.json `grep` must be a string');
  return { resultsPath: value.resultsPath, workspace: value.workspace, grep: value.grep };
}

export function parseRunResults(value: unknown): RunResults {
  const ok = isRecord(value)
    && typeof value.workspace === 'string'
    && typeof value.passed === 'number'
    && typeof value.failed === 'number'
    && typeof value.pending === 'number'
    && Array.isArray(value.tests);
  if (!ok) throw new Error('results file is not a RunResults object');
  // The runner is our own code writing this exact shape; the check above guards against a
  // truncated or foreign file, not against a hostile writer.
  return value as unknown as RunResults;
}
