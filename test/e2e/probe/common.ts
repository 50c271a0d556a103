// Shared bits of the probes (run by hand: `npx tsx test/e2e/probe/<probe>.ts`). The probes
// measure the real CLI and save fixtures; their findings are written up in docs/claude-code-facts.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/claude-code');

export function tempWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'al-probe-ws-'));
  fs.writeFileSync(path.join(ws, 'hello.txt'), 'hello fake file\n');
  fs.writeFileSync(path.join(ws, 'secret.txt'), 'TOP-SECRET-CANARY-4242\n');
  return ws;
}

/**
 * Replace machine-specific values (temp dirs, ports, ids) with stable placeholders, so fixtures
 * are reproducible and carry nothing from the machine they were recorded on.
 */
export function scrub(value: unknown, repl: Array<[string | RegExp, string]>): unknown {
  let s = JSON.stringify(value);
  for (const [from, to] of repl) {
    s = typeof from === 'string' ? s.split(from).join(to) : s.replace(from, to);
  }
  return JSON.parse(s);
}

export function writeFixture(rel: string, value: unknown): void {
  const file = path.join(FIXTURES, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
