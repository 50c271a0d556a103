/**
 * Shared by the audit commands (verify, export, report, trace query): error mapping and display
 * paths. Lives here rather than in src/cli so the CLI files stay thin; it needs only the part of
 * the CLI's Io it uses, so core does not depend on the CLI.
 */
import * as path from 'node:path';
import { AuditError } from './errors';

export interface AuditIo {
  err: (line: string) => void;
  cwd: string;
}

/**
 * Runs a command body, turning AuditErrors into the CLI's exit codes: "nothing to look at"
 * is a failed check (1); a bad argument or an unreadable input is a usage problem (2).
 */
export async function auditCommand(io: AuditIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!AuditError.is(err)) throw err;
    io.err(`agentlane: ${err.message}`);
    return err.reason === 'no-traces' || err.reason === 'no-match' ? 1 : 2;
  }
}

/** Paths under the working directory print relative; others absolute. */
export function displayPath(io: AuditIo, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
