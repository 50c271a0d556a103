/**
 * Generates the JSON Schemas in schemas/ from the zod schemas (zod v4 `toJSONSchema`), so the
 * YAML extension completes and validates policy and mission files with the same rules as
 * Agent Lane. `--check` fails when a committed schema is stale (run by the unit tests).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { policySchema } from '../src/core/policy/schema';
import { missionSchema } from '../src/core/mission/schema';
import { finopsLedgerSchema } from '../src/core/budget/finops';

export const SCHEMAS: Array<{ file: string; title: string; schema: z.ZodType; io: 'input' | 'output' }> = [
  { file: 'policy.schema.json', title: 'Agent Lane policy (v1)', schema: policySchema, io: 'input' },
  { file: 'mission.schema.json', title: 'Agent Lane mission (v1)', schema: missionSchema, io: 'input' },
  { file: 'finops-ledger.schema.json', title: 'Agent Lane budget ledger export', schema: finopsLedgerSchema, io: 'output' },
];

export function render(entry: (typeof SCHEMAS)[number]): string {
  const json = z.toJSONSchema(entry.schema, { io: entry.io, unrepresentable: 'any' }) as Record<string, unknown>;
  return `${JSON.stringify({ $id: `https://agentlane.dev/schemas/${entry.file}`, title: entry.title, ...json }, null, 2)}\n`;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const entry of SCHEMAS) {
    const target = path.join(__dirname, '..', 'schemas', entry.file);
    const text = render(entry);
    if (check) {
      let current = '';
      try { current = readFileSync(target, 'utf8'); } catch { /* missing counts as stale */ }
      if (current !== text) { stale++; process.stderr.write(`stale: schemas/${entry.file} (run npm run schemas)\n`); }
    } else {
      writeFileSync(target, text);
      process.stdout.write(`wrote schemas/${entry.file}\n`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
