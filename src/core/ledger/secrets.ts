/**
 * Ledger credentials stay with the lane (invariant 10). A password in a process's argv is
 * readable by every process of the user (`ps`, /proc/PID/cmdline), and one in the agent's env is
 * readable by the agent; with it the agent could insert a forged chain into the ledger. So:
 *
 *  - `agentlane run` takes the ledger address from a file (`--ledger-file`, mode 0600) or from
 *    `AGENTLANE_LEDGER`; a password inside `--ledger` on the command line is refused;
 *  - `scrubLaneSecrets` removes the lane's secrets from an environment before anything the agent
 *    runs inherits it.
 */
import { promises as fsp } from 'node:fs';
import { LedgerError } from './errors';

export const LEDGER_ENV = 'AGENTLANE_LEDGER';
/** Env names that configure a database client: a PG* variable or DATABASE_URL can carry the ledger's credentials. */
const SECRET_ENV = /^(AGENTLANE_LEDGER.*|PG[A-Z_]*|DATABASE_URL)$/;

/** Shorter passwords are not searched for inside other variables' values (see scrubLaneSecrets). */
export const MIN_MATCHED_PASSWORD = 6;

export type LedgerUrlSource = 'flag' | 'file' | 'env';

export interface LedgerAddress {
  url: string;
  source: LedgerUrlSource;
}

/** The password of a URL-shaped ledger address (postgres://user:pw@…), decoded; undefined when none. */
export function ledgerPassword(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.password === '') return undefined;
  try {
    return decodeURIComponent(u.password);
  } catch {
    return u.password;
  }
}

/**
 * Where `run` ships the trace: `--ledger` (no password allowed there), `--ledger-file`, or
 * `AGENTLANE_LEDGER`, in that order of precedence; undefined when none is given. Throws
 * LedgerError('bad-url') with what to do instead.
 */
export async function resolveLedgerAddress(o: { flag?: string; file?: string; env?: NodeJS.ProcessEnv }): Promise<LedgerAddress | undefined> {
  if (o.flag !== undefined && o.file !== undefined) throw new LedgerError('bad-url', 'give either --ledger or --ledger-file, not both');
  if (o.flag !== undefined) {
    if (ledgerPassword(o.flag) !== undefined) {
      throw new LedgerError('bad-url', `a password in --ledger is visible to every process of this user (ps): put the address in a 0600 file and pass --ledger-file FILE, or set ${LEDGER_ENV}`);
    }
    return { url: o.flag, source: 'flag' };
  }
  if (o.file !== undefined) return { url: await readLedgerFile(o.file), source: 'file' };
  const fromEnv = o.env?.[LEDGER_ENV];
  return fromEnv !== undefined && fromEnv.trim() !== '' ? { url: fromEnv.trim(), source: 'env' } : undefined;
}

/** First non-empty, non-comment line of a ledger file. Refuses a file others can read when it holds a password. */
export async function readLedgerFile(file: string): Promise<string> {
  let text: string;
  let mode: number;
  try {
    [text, mode] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file).then((s) => s.mode)]);
  } catch (err) {
    throw new LedgerError('bad-url', `cannot read --ledger-file \`${file}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const url = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (url === undefined) throw new LedgerError('bad-url', `--ledger-file \`${file}\` holds no ledger address`);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0 && ledgerPassword(url) !== undefined) {
    throw new LedgerError('bad-url', `--ledger-file \`${file}\` holds a password but others may read it (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
  }
  return url;
}

/**
 * A copy of `env` without the lane's secrets: every AGENTLANE_LEDGER* variable, every PG*
 * variable, DATABASE_URL, and any variable whose value contains the ledger's password (raw or
 * percent-encoded, at least MIN_MATCHED_PASSWORD characters) — e.g. a connection string under
 * another name. Call it on the environment
 * the agent (and everything it starts) will get.
 */
export function scrubLaneSecrets(env: NodeJS.ProcessEnv, opts: { ledgerUrl?: string } = {}): NodeJS.ProcessEnv {
  const passwords = new Set<string>();
  for (const url of [opts.ledgerUrl, env[LEDGER_ENV]]) {
    const pw = url === undefined ? undefined : ledgerPassword(url);
    // A very short password would match inside PATH and friends and break the agent; such a password is no secret anyway.
    if (pw !== undefined && pw.length >= MIN_MATCHED_PASSWORD) {
      passwords.add(pw);
      passwords.add(encodeURIComponent(pw));
    }
  }
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (SECRET_ENV.test(k.toUpperCase())) continue;
    if (v !== undefined && [...passwords].some((pw) => v.includes(pw))) continue;
    out[k] = v;
  }
  return out;
}
