/**
 * Runs the bundled integration suites with mocha inside the extension host and collects a
 * plain result object. Shared by the code-server runner extension and the test-electron index.
 */
import Mocha from 'mocha';
import type { RunResults, TestResult } from './protocol';

export interface MochaRunOptions {
  readonly suitesPath: string;
  readonly workspace: string;
  readonly vscodeVersion: string;
  readonly grep?: string;
}

const TEST_TIMEOUT_MS = 30_000;

function errorOf(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

export async function runMocha(options: MochaRunOptions): Promise<RunResults> {
  const started = Date.now();
  const tests: TestResult[] = [];
  // tdd: the suites use suite()/test(). `spec` output lands in the extension host log, which
  // is where a person looks when the JSON alone doesn't explain a failure.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec' });
  if (options.grep) mocha.grep(options.grep);
  mocha.addFile(options.suitesPath);
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => tests.push({ fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('fail', (t, err) => tests.push({ fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: errorOf(err) }));
      runner.on('pending', (t) => tests.push({ fullTitle: t.fullTitle(), state: 'pending', durationMs: 0 }));
    });
  } catch (err) {
    // Loading the suites threw (bad bundle, top-level error): report it instead of hanging.
    return summarise(options, tests, started, `could not run the suites: ${errorOf(err).stack ?? errorOf(err).message}`);
  }
  return summarise(options, tests, started);
}

function summarise(options: MochaRunOptions, tests: TestResult[], started: number, fatal?: string): RunResults {
  const count = (state: TestResult['state']): number => tests.filter((t) => t.state === state).length;
  return {
    workspace: options.workspace,
    vscodeVersion: options.vscodeVersion,
    passed: count('passed'),
    failed: count('failed'),
    pending: count('pending'),
    durationMs: Date.now() - started,
    tests,
    ...(fatal ? { fatal } : {}),
  };
}
