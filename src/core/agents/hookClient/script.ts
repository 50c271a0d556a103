/**
 * The fail-closed hook client: the command Gemini CLI and Codex run before every tool call.
 * Both CLIs only run command hooks and treat a failing hook as "allow" (timeout, exit 1, killed,
 * exit 2 with empty stderr). So the client is written so that its ONLY way to exit 0 is the
 * broker answering exactly `allow`: curl missing, broker down, a non-2xx, a slow broker, an
 * empty or unexpected body — all end in exit 2 with a non-empty reason on stderr, the one deny
 * both CLIs honour (measured in ../../../../../shared/reference/agent-clis.md).
 *
 * Why sh + curl: measured per tool call (bench/agentHooks.ts) it costs a few ms, a Node client
 * costs ~10x that in start-up alone. curl's own --max-time keeps the client inside the CLI's hook
 * timeout, so the CLI never kills it (a killed hook fails open).
 *
 * Protocol with the broker (routes in ../hookRoutes.ts): POST the payload as is; the answer is
 * the text `allow`, or `deny <reason>`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface HookClientInput {
  /** Absolute URL of the route (base URL is a parameter: loopback today, a sandbox relay later). */
  url: string;
  /** File with the `Authorization: Bearer …` header line (0600). */
  headersFile: string;
  /** Seconds curl may take in total: must stay below the CLI's own hook timeout. */
  maxSeconds: number;
  /** Seconds to connect: the broker is local, a long connect means it is gone. */
  connectSeconds?: number;
  /** After-tool hooks only record; they never block (the tool already ran). */
  recordOnly?: boolean;
}

/** Single-quotes a word for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function hookClientScript(input: HookClientInput): string {
  const curl = [
    'curl', '--silent', '--show-error', '--fail', '--noproxy', shQuote('*'),
    '--max-time', String(Math.max(1, Math.floor(input.maxSeconds))),
    '--connect-timeout', String(input.connectSeconds ?? 3),
    '-H', `@${shQuote(input.headersFile)}`, '-H', shQuote('content-type: application/json'),
    '--data-binary', '@-', shQuote(input.url),
  ].join(' ');
  if (input.recordOnly) {
    return [
      '#!/bin/sh',
      '# Agent Lane: records a finished tool call. Generated per session; do not edit.',
      `${curl} >/dev/null 2>&1`,
      'exit 0',
      '',
    ].join('\n');
  }
  return [
    '#!/bin/sh',
    '# Agent Lane hook client. Generated per session; do not edit.',
    '# Fails closed: the only way to exit 0 is the broker answering exactly "allow".',
    'deny() { printf \'Agent Lane: %s\\n\' "$1" >&2; exit 2; }',
    `answer=$(${curl} 2>&1) || deny "the Agent Lane broker gave no decision (\${answer:-no output}); the call is denied to stay safe"`,
    'case "$answer" in',
    '  allow) exit 0 ;;',
    '  "deny "*) reason=${answer#deny }; [ -n "$reason" ] || reason="denied by Agent Lane"; printf \'%s\\n\' "$reason" >&2; exit 2 ;;',
    'esac',
    'deny "unexpected answer from the Agent Lane broker; the call is denied to stay safe"',
    '',
  ].join('\n');
}

export interface WrittenHookClient {
  /** Command line for the CLI's hook config. */
  command: string;
  files: string[];
}

/**
 * Writes the client for one route into `dir` (created 0700). The token lives in its own 0600
 * file, not on the command line (visible in `ps`) and not in the agent's environment (every
 * shell command the agent runs inherits that).
 */
export async function writeHookClient(
  dir: string,
  name: string,
  opts: { url: string; token: string; maxSeconds: number; recordOnly?: boolean },
): Promise<WrittenHookClient> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const headersFile = path.join(dir, 'auth-header');
  await fsp.writeFile(headersFile, `Authorization: Bearer ${opts.token}\n`, { mode: 0o600 });
  const script = path.join(dir, `${name}.sh`);
  await fsp.writeFile(script, hookClientScript({ url: opts.url, headersFile, maxSeconds: opts.maxSeconds, recordOnly: opts.recordOnly }), { mode: 0o700 });
  return { command: `/bin/sh ${shQuote(script)}`, files: [headersFile, script] };
}
