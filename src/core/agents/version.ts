/**
 * The version an agent CLI reports (`<cmd> --version`), for the trace, the UI and the catalog.
 * Asynchronous so it never blocks an event loop that serves hooks; undefined when the CLI does
 * not answer in time or prints nothing recognisable (a catalog that restricts versions then
 * refuses the session, with that reason).
 */
import { execFile } from 'node:child_process';
import type { AgentAdapter } from './adapter';

export function versionCommand(argv: readonly string[]): string[] {
  const first = argv[0] ?? '';
  const base = first.split(/[\\/]/).pop() ?? first;
  // `npx <pkg>` / `node <script>`: the package or script is the CLI.
  if (/^(npx|bunx|pnpx|node|nodejs)$/.test(base) && argv[1]) return [first, argv[1]];
  return [first];
}

export function detectAgentVersion(argv: readonly string[], adapter: AgentAdapter, env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): Promise<string | undefined> {
  const [cmd, ...pre] = versionCommand(argv);
  return new Promise((resolve) => {
    execFile(cmd, [...pre, ...adapter.versionArgs], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      resolve(err ? undefined : adapter.parseVersion(stdout));
    });
  });
}
