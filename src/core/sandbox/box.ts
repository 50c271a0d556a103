/**
 * One session's box: the profile, its directories, the process group, the egress proxy and the
 * relays, and the launcher that puts the agent inside. The lane owns a Box and closes it when the
 * session ends; `close()` kills whatever is still inside and removes what the box created.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CompiledPolicy } from '../policy/compile';
import { bwrapArgv, NODE_RELAY_SOURCE, type RelayProgram } from './bwrap';
import { createProcessGroup, type ProcessGroup } from './cgroup';
import { startEgressProxy, type EgressProxy, type EgressViolation, type HostVerdict } from './egressProxy';
import { nodeFsProbe } from './fsProbe';
import { buildProfile, type BuiltProfile, type FsProbe } from './profile';
import { relayUnixToTcp, type Relay } from './relay';
import type { BoxEndpoint, SandboxState } from './types';

/** Loopback ports inside the box (its network namespace is its own, so they never clash). */
export const BOX_PORTS = { broker: 47011, model: 47012, proxy: 47013 } as const;

export interface BoxOptions {
  sessionId: string;
  policy: CompiledPolicy;
  workspaceRoot: string;
  /** The user's real HOME: `~/` globs and the files the agent's private HOME is seeded from. */
  home: string;
  /** Where the box's directories go (default: the OS temp dir). */
  baseDir: string;
  /** Lane-owned directories the agent must not see. */
  laneDirs: string[];
  bwrap: string;
  socat: string;
  /** A Node runtime for the in-box relay (one process, no fork per connection); socat when absent. */
  node?: string;
  decideHost: (host: string, port: number) => HostVerdict;
  onViolation: (v: EgressViolation & { kind: 'network' }) => void;
  /** The broker's listener: the lane makes its hook server listen on this socket. */
  listenBroker: (socket: string) => Promise<void>;
  /** The agent's model endpoint on the host (loopback), relayed into the box. */
  model?: { host: string; port: number };
  /** Policy says limits.processes / memoryMb explicitly: then they must be enforced or no session. */
  limitsExplicit: boolean;
  fs?: FsProbe;
}

export class BoxError extends Error {
  constructor(readonly reason: 'profile' | 'limits' | 'setup', message: string) {
    super(message);
    this.name = 'BoxError';
  }
}

/** Files from the user's HOME the agent's CLI needs to start as the user configured it (no secrets of the lane). */
const HOME_SEED = ['.claude.json', '.claude/.credentials.json'];

export class Box {
  private readonly closers: Array<() => Promise<void> | void> = [];
  private readonly createdPlaceholders: string[] = [];
  private constructor(
    readonly profile: BuiltProfile,
    readonly boxDir: string,
    readonly endpoints: BoxEndpoint[],
    private readonly opts: BoxOptions,
    private group: ProcessGroup | undefined,
    readonly limitsNote: string[],
  ) {}

  static async open(opts: BoxOptions): Promise<Box> {
    const owned: Array<() => Promise<void> | void> = [];
    const unwind = async (): Promise<void> => {
      for (const c of owned.reverse()) await Promise.resolve(c()).catch(() => undefined);
    };
    try {
      const root = mkdtempSync(path.join(opts.baseDir, 'agentlane-box-'));
      owned.push(() => rmSync(root, { recursive: true, force: true }));
      chmodSync(root, 0o755);
      const boxDir = path.join(root, 'lane');
      const agentHome = path.join(root, 'home');
      const scratch = path.join(root, 'tmp');
      for (const d of [boxDir, agentHome, scratch]) mkdirSync(d, { mode: 0o755 });
      seedHome(opts.home, agentHome);

      let profile: BuiltProfile;
      try {
        profile = buildProfile({
          policy: opts.policy, workspaceRoot: opts.workspaceRoot, home: opts.home, agentHome, scratch,
          laneDirs: opts.laneDirs, fs: opts.fs ?? nodeFsProbe(),
        });
      } catch (err) {
        throw new BoxError('profile', (err as Error).message);
      }
      const created = createDirs(profile.create);
      owned.push(() => removeIfEmpty(created));

      const g = createProcessGroup(`agentlane-${opts.sessionId}`, profile.limits);
      const limitsNote: string[] = [];
      let group: ProcessGroup | undefined;
      if (g.ok) {
        group = g.group;
        owned.push(() => g.group.remove());
        if (g.group.enforced.length < 2) limitsNote.push(`not every limit is enforced here: ${g.group.enforced.join(', ') || 'none'}`);
      } else if (opts.limitsExplicit) {
        throw new BoxError('limits', `the policy sets process/memory limits, but ${g.reason}`);
      } else {
        limitsNote.push(`process and memory limits not enforced: ${g.reason}; processes still end with the session (PID namespace)`);
      }

      const endpoints: BoxEndpoint[] = [];
      const brokerSock = path.join(boxDir, 'broker.sock');
      await opts.listenBroker(brokerSock);
      endpoints.push({ name: 'broker', socket: brokerSock, port: BOX_PORTS.broker });
      if (opts.model) {
        const relay: Relay = await relayUnixToTcp(path.join(boxDir, 'model.sock'), opts.model);
        owned.push(() => relay.close());
        endpoints.push({ name: 'model', socket: relay.socket, port: BOX_PORTS.model });
      }
      const proxy: EgressProxy = await startEgressProxy(path.join(boxDir, 'proxy.sock'), {
        decide: opts.decideHost,
        onViolation: (v) => opts.onViolation({ ...v, kind: 'network' }),
        local: new Map(endpoints.map((e) => [e.port, e.socket])),
      });
      owned.push(() => proxy.close());
      endpoints.push({ name: 'proxy', socket: proxy.socket, port: BOX_PORTS.proxy });
      const box = new Box(profile, boxDir, endpoints, opts, group, limitsNote);
      box.closers.push(...owned);
      return box;
    } catch (err) {
      await unwind();
      throw err instanceof BoxError ? err : new BoxError('setup', `cannot set up the sandbox: ${(err as Error).message}`);
    }
  }

  get status(): SandboxState {
    return { state: 'on', backend: 'bubblewrap', limits: this.group ? this.group.enforced : [] };
  }

  /** `http://127.0.0.1:<port>` as the agent reaches an endpoint from inside the box. */
  url(name: BoxEndpoint['name']): string {
    return `http://127.0.0.1:${BOX_PORTS[name]}`;
  }

  /** Writes a file the agent can read but not change (generated settings, git hook scripts). */
  writeBoxFile(rel: string, content: string, mode = 0o644): string {
    const file = path.join(this.boxDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
    return file;
  }

  /** The environment inside the box: the caller's (already scrubbed of lane secrets) plus the box's own. */
  env(base: Record<string, string | undefined>): Record<string, string> {
    const proxy = this.url('proxy');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
    Object.assign(out, {
      HOME: this.profile.home,
      TMPDIR: this.profile.scratch,
      HTTP_PROXY: proxy, HTTPS_PROXY: proxy, ALL_PROXY: proxy,
      http_proxy: proxy, https_proxy: proxy, all_proxy: proxy,
      // Everything goes through the proxy, loopback too: inside the box loopback is the box's
      // own, and a host service the policy allows (`127.0.0.1:8080`) is reached only this way.
      NO_PROXY: '', no_proxy: '',
      AGENTLANE_SANDBOX: 'bubblewrap',
    });
    const gitconfig = path.join(this.opts.home, '.gitconfig');
    if (existsSync(gitconfig) && out.GIT_CONFIG_GLOBAL === undefined) out.GIT_CONFIG_GLOBAL = gitconfig;
    return out;
  }

  /**
   * The command that runs `command` inside the box: a launcher joins the session's process group,
   * then becomes bubblewrap. Returns argv (file first).
   */
  launch(command: string[], opts: { cwd: string; interactive: boolean }): string[] {
    const sources = this.materialisePlaceholders();
    const relay: RelayProgram = this.opts.node
      ? { kind: 'node', node: this.opts.node, script: this.writeBoxFile('relay.js', NODE_RELAY_SOURCE) }
      : { kind: 'socat', socat: this.opts.socat };
    const inner = bwrapArgv({
      bwrap: this.opts.bwrap, relay, profile: this.profile, boxDir: this.boxDir,
      placeholderSources: sources, endpoints: this.endpoints, cwd: opts.cwd, command, newSession: !opts.interactive,
    });
    const procs = this.group?.procsFiles ?? [];
    const join = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || { echo "agentlane: cannot join the session cgroup $1" >&2; exit 97; }; shift; n=$((n-1)); done; exec "$@"';
    return ['/bin/sh', '-c', join, 'agentlane-launch', String(procs.length), ...procs, ...inner];
  }

  /** Files the lane wrote into a writable area that the agent may read but not change (its own config). */
  protect(files: readonly string[]): void {
    for (const f of files) this.profile.readOnly.push({ path: f, why: 'the agent\'s own supervised config (built-in)' });
  }

  /** Kills everything still inside the box (background jobs, daemons) — the session is over. */
  async killAll(): Promise<void> {
    await this.group?.kill();
  }

  /** Processes in the box now (0 when no process group could be made). */
  processCount(): number {
    return this.group?.count() ?? 0;
  }

  async close(): Promise<void> {
    await this.killAll();
    for (const c of this.closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
    this.closers.length = 0;
    this.removePlaceholders();
  }

  private materialisePlaceholders(): Map<string, string> {
    const sources = new Map<string, string>();
    let i = 0;
    for (const ph of this.profile.placeholders) {
      const src = path.join(this.boxDir, 'placeholders', String(i++));
      mkdirSync(path.dirname(src), { recursive: true });
      if (ph.content === null) mkdirSync(src, { recursive: true });
      else writeFileSync(src, ph.content, { mode: 0o444 });
      sources.set(ph.path, src);
      // bubblewrap creates the mount point in the real tree; remember what to tidy afterwards.
      for (let p = ph.path; !existsSync(p) && p !== this.profile.workspaceRoot && p !== this.profile.home; p = path.dirname(p)) {
        if (!this.createdPlaceholders.includes(p)) this.createdPlaceholders.push(p);
      }
    }
    return sources;
  }

  private removePlaceholders(): void {
    // Deepest first; only what is still empty (the user may have put something there since).
    const sorted = [...this.createdPlaceholders].sort((a, b) => b.length - a.length);
    for (const p of sorted) {
      try {
        const s = statSync(p);
        if (s.isDirectory()) { if (readdirSync(p).length === 0) rmdirSync(p); } else if (s.size === 0) rmSync(p);
      } catch { /* gone */ }
    }
  }
}

/** mkdir -p, returning the directories that did not exist (deepest last). */
function createDirs(dirs: string[]): string[] {
  const created: string[] = [];
  for (const d of dirs) {
    const missing: string[] = [];
    for (let p = d; !existsSync(p); p = path.dirname(p)) missing.unshift(p);
    mkdirSync(d, { recursive: true });
    created.push(...missing);
  }
  return created;
}

function removeIfEmpty(dirs: string[]): void {
  for (const d of [...dirs].reverse()) {
    try { if (readdirSync(d).length === 0) rmdirSync(d); } catch { /* gone or not empty */ }
  }
}

function seedHome(realHome: string, agentHome: string): void {
  for (const rel of HOME_SEED) {
    const src = path.join(realHome, rel);
    if (!existsSync(src)) continue;
    const dest = path.join(agentHome, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    try { copyFileSync(src, dest); } catch { /* unreadable: the CLI will ask to log in */ }
  }
}
