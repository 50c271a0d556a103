/** Writes results for the harness, which polls for the file and must never read half of it. */
import * as fs from 'node:fs';
import type { RunResults } from './protocol';

export function writeResults(resultsPath: string, results: RunResults): void {
  const tmp = `${resultsPath}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, resultsPath);
}
