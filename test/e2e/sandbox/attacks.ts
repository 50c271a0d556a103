// The attack corpus (test/fixtures/sandbox-attacks/*.jsonl), parsed and checked once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const AttackSchema = z.strictObject({
  class: z.enum(['read-denied', 'write-scope', 'self-settings', 'commit-unacked', 'forge-hook', 'egress', 'outlive', 'lane-secrets']),
  id: z.string().regex(/^[a-z0-9-]+$/),
  engine: z.enum(['blocked', 'box']),
  effect: z.enum(['no-leak', 'untouched', 'flagged', 'refused', 'gone', 'forged']),
  paths: z.array(z.string()).optional(),
  command: z.string().min(1),
});
export type Attack = z.infer<typeof AttackSchema>;

export const ATTACKS_DIR = path.resolve(__dirname, '../../fixtures/sandbox-attacks');

export function loadAttacks(): Attack[] {
  const out: Attack[] = [];
  for (const f of fs.readdirSync(ATTACKS_DIR).filter((n) => n.endsWith('.jsonl')).sort()) {
    fs.readFileSync(path.join(ATTACKS_DIR, f), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const r = AttackSchema.safeParse(JSON.parse(line));
      if (!r.success) throw new Error(`${f}:${i + 1}: ${r.error.issues[0]?.message}`);
      out.push(r.data);
    });
  }
  const ids = new Set<string>();
  for (const a of out) {
    if (ids.has(a.id)) throw new Error(`duplicate attack id ${a.id}`);
    ids.add(a.id);
  }
  return out;
}
