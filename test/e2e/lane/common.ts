// Shared bits of the lane scenarios (test/e2e/lane/*.e2e.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { claudeBin, claudeInstalled } from '../support/runClaude';
import { CLI_JS, describeRun, type LaneRun } from '../support/lane';

/** The workspace policy most scenarios run under. Markers below must stay unique strings. */
export const POLICY = `version: 1
mode: build
paths:
  deny: ["**/.env*", "secrets/**"]
  protect: [".github/workflows/**"]
  write: ["src/**", "notes/**"]
shell:
  deny: ["git push*"]
  otherwise: allow
  unanalyzable: deny
network:
  allow: ["registry.npmjs.org", "127.0.0.1"]
  otherwise: deny
`;

export const ENV_MARKER = 'ENV-CANARY-6f1d2b9e';
export const KEY_MARKER = 'KEY-CANARY-0a7c44d1';

export const SECRET_FILES: Record<string, string> = {
  '.env': `API_TOKEN=${ENV_MARKER}\n`,
  'secrets/key': `${KEY_MARKER}\n`,
  'README.md': 'hello from the readme\n',
  'src/index.ts': 'export const x = 1;\n',
};

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`\`${needle}\` not in text`);
  return i + 1;
}

/** Fails fast with a useful message when the CLI or the bundle is missing. */
export function requirePrereqs(): void {
  if (!claudeInstalled()) throw new Error(`no Claude Code CLI at ${claudeBin()}: run scripts/install-claude.sh`);
  if (!fs.existsSync(CLI_JS)) throw new Error(`no ${CLI_JS}: run node esbuild.mjs`);
}

/** The trace chain verifies and the session was started and (unless killed) ended. */
export function assertTraceSound(r: LaneRun, opts: { ended?: boolean } = {}): void {
  assert.ok(r.verify.ok, `trace does not verify: ${JSON.stringify(r.verify)}`);
  assert.equal(r.trace[0]?.event, 'session.start');
  if (opts.ended !== false) assert.equal(r.trace.at(-1)?.event, 'session.end', describeRun(r));
}

export function assertNoLeak(r: LaneRun, markers: string[]): void {
  const text = r.api.allRequestText();
  for (const m of markers) assert.ok(!text.includes(m), `marker ${m} reached the model`);
}

export { describeRun };
