/**
 * Reads the extension host's log inside a profile. When Agent Lane fails to activate, VS Code
 * never activates the runner (it depends on Agent Lane), so the log is the only place that
 * says why; reading it lets the harness fail in seconds instead of at its timeout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every extension host log file under `<user-data-dir>/logs` (one folder per start). */
export function extensionHostLogs(userDataDir: string): string[] {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs.readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /exthost\.log$/i.test(path.basename(f)))
    .map((f) => path.join(logs, f));
}

const TIMESTAMPED = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/**
 * The first "Activating extension <id> failed" entry for an extension whose id starts with
 * `idPrefix`, with the error lines that follow it; undefined when there is none.
 */
export function findActivationFailure(userDataDir: string, idPrefix = 'agentlane.'): string | undefined {
  for (const file of extensionHostLogs(userDataDir)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const start = lines.findIndex((l) => l.includes(`Activating extension ${idPrefix}`) && l.includes('failed'));
    if (start < 0) continue;
    const details: string[] = [lines[start]];
    for (const line of lines.slice(start + 1, start + 12)) {
      // The error message is logged as its own timestamped [error] line, then the stack.
      if (TIMESTAMPED.test(line) && !line.includes('[error]')) break;
      details.push(line);
    }
    return details.join('\n');
  }
  return undefined;
}
