/** Shared test helpers: fixture paths and throwaway copies the tests may append to or rotate. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'transcripts');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A temp directory removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentlane-budget-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copy a fixture into `dir` so a test can append to, truncate or replace it. */
export function copyFixture(name: string, dir: string): string {
  const target = path.join(dir, name);
  fs.copyFileSync(fixture(name), target);
  return target;
}

/** Round to cents the way a person reads a bill. */
export function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}
