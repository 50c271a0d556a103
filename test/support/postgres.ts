/**
 * A throwaway PostgreSQL cluster for tests and benches, from the Debian binaries
 * (`scripts/setup-system.sh` installs the `postgresql` package).
 *
 *   initdb -D <tmp>/data -U agentlane --auth=trust
 *   pg_ctl -D <tmp>/data -o "-p PORT -k <tmp> -c listen_addresses=127.0.0.1 -c fsync=off" -w start
 *
 * on a free loopback port, with a database `agentlane`. initdb and postgres refuse to run as
 * root, so as root the binaries run as the `postgres` system user (`runuser -u postgres`) and
 * the temp dir is chowned to it; as any other user they run as that user. The cluster is
 * removed by `destroy()`, and on process exit if a test forgot.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestPostgres {
  /** postgresql://agentlane@127.0.0.1:PORT/agentlane */
  url: string;
  port: number;
  dir: string;
  /** Stops the server like a power cut (`pg_ctl stop -m immediate`); data stays for start(). */
  kill(): Promise<void>;
  /** Starts a stopped server again on the same port. */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`: clients are disconnected with 57P01. */
  restart(): Promise<void>;
  /** Stops the server and removes the cluster. Idempotent. */
  destroy(): Promise<void>;
}

const SETUP_HINT = 'run `bash scripts/setup-system.sh` (as root) to install the Debian `postgresql` package';

export class PostgresUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUnavailableError';
  }
}

/** The directory with initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin, then PATH. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = path.join(root, v, 'bin');
      if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new PostgresUnavailableError(`PostgreSQL binaries (initdb, pg_ctl) not found: ${SETUP_HINT}`);
}

const live = new Set<{ dir: string; data: string; bin: string; asUser: string | undefined }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      spawnSync(...command(c.asUser, path.join(c.bin, 'pg_ctl'), ['-D', c.data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
      rmSync(c.dir, { recursive: true, force: true });
    }
  });
}

/** [file, args] that run `bin args` as `asUser` when we are root. */
function command(asUser: string | undefined, bin: string, args: string[]): [string, string[]] {
  return asUser ? ['runuser', ['-u', asUser, '--', bin, ...args]] : [bin, args];
}

function run(asUser: string | undefined, bin: string, args: string[]): Promise<string> {
  const [file, argv] = command(asUser, bin, args);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentlane-pg-'));
  const data = path.join(dir, 'data');
  if (asUser) {
    let uid: number;
    let gid: number;
    try {
      uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim());
    } catch {
      rmSync(dir, { recursive: true, force: true });
      throw new PostgresUnavailableError(`running as root but there is no \`${asUser}\` system user: ${SETUP_HINT}`);
    }
    chownSync(dir, uid, gid);
  }
  const cluster = { dir, data, bin, asUser };
  live.add(cluster);
  installExitHook();
  const pgCtl = path.join(bin, 'pg_ctl');
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const startServer = () => run(asUser, pgCtl, ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  try {
    await run(asUser, path.join(bin, 'initdb'), ['-D', data, '-U', 'agentlane', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    await startServer();
    await run(asUser, path.join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'agentlane', 'agentlane']);
  } catch (e) {
    await run(asUser, pgCtl, ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    live.delete(cluster);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let destroyed = false;
  return {
    url: `postgresql://agentlane@127.0.0.1:${port}/agentlane`,
    port,
    dir,
    kill: async () => { await run(asUser, pgCtl, ['-D', data, '-m', 'immediate', 'stop']); },
    start: async () => { await startServer(); },
    // -l matters: without a log file the new postmaster keeps our stdout pipe open.
    restart: async () => { await run(asUser, pgCtl, ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-m', 'fast', '-w', 'restart']); },
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await run(asUser, pgCtl, ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      live.delete(cluster);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A throwaway cluster for a mocha `before`, or the suite skipped with the reason when this
 * machine has no PostgreSQL (the project's setup installs it; a developer's box may not).
 */
export async function startTestPostgresOrSkip(ctx: { skip(): void }): Promise<TestPostgres> {
  try {
    return await startTestPostgres();
  } catch (e) {
    if (e instanceof PostgresUnavailableError) {
      console.warn(`    skipped: ${e.message}`);
      ctx.skip();
    }
    throw e;
  }
}
