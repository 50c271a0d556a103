import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';

export interface CliResult { code: number; out: string[]; err: string[] }

export async function cli(cwd: string, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out, err };
}

/** A throwaway workspace built from a map of relative path → content. */
export function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'agentlane-ws-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}
