/**
 * The bubblewrap command line for a profile (Linux). Pure: the same profile always gives the
 * same argv, which the unit tests read like a table.
 *
 * Layers, in mount order (later mounts win):
 *   the whole file system read-only → fresh /dev and /proc (PID namespace: the agent sees only
 *   its own processes, so `ps` shows no lane credentials and /proc/self/* resolves inside the
 *   box) → writable scopes → read-only self paths and placeholders → masked denied paths →
 *   hidden lane directories (empty, read-only) → the box directory (relay sockets, generated
 *   settings) read-only.
 * Namespaces: user, PID, network (only loopback: the relays are the way out), IPC, UTS, cgroup.
 * `--die-with-parent`: if the lane dies, the box dies; when the agent exits, bwrap's init ends
 * and the kernel kills every process left in the PID namespace (background jobs, nohup, setsid).
 */
import type { BoxEndpoint, SandboxProfile } from './types';
import type { Placeholder } from './profile';

export interface BwrapInput {
  bwrap: string;
  /** What relays the box's loopback ports to the host sockets (see relayScript). */
  relay: RelayProgram;
  profile: SandboxProfile & { placeholders: Placeholder[] };
  /** Host directory with the box's read-only files (sockets, settings, git hooks, placeholders' sources). */
  boxDir: string;
  /** Placeholder source files/dirs inside boxDir, by target path. */
  placeholderSources: Map<string, string>;
  endpoints: BoxEndpoint[];
  cwd: string;
  /** The agent command (program + args). */
  command: string[];
  /** Detach from the controlling terminal (headless; an interactive terminal needs it kept). */
  newSession: boolean;
}

export function bwrapArgv(input: BwrapInput): string[] {
  const p = input.profile;
  const args: string[] = [
    input.bwrap,
    '--die-with-parent',
    '--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'agentlane-box',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
  ];
  for (const w of p.writable) args.push('--bind', w.path, w.path);
  for (const r of p.readOnly) args.push('--ro-bind', r.path, r.path);
  for (const ph of p.placeholders) {
    const src = input.placeholderSources.get(ph.path);
    if (src) args.push('--ro-bind', src, ph.path);
  }
  for (const m of p.masked) {
    // A directory becomes an empty read-only tmpfs; a file reads as empty and cannot be written.
    args.push(...(m.dir ? ['--tmpfs', m.path, '--remount-ro', m.path] : ['--ro-bind', '/dev/null', m.path]));
  }
  for (const h of p.hidden) args.push('--tmpfs', h.path, '--remount-ro', h.path);
  args.push('--ro-bind', input.boxDir, input.boxDir);
  if (input.newSession) args.push('--new-session');
  args.push('--chdir', input.cwd, '--', '/bin/sh', '-c', relayScript(input.relay, input.endpoints), 'agentlane-box', ...input.command);
  return args;
}

/**
 * The relay inside the box. `node`: one event-loop process for every endpoint (no process per
 * connection: the hooks and the model stream pass through it on every tool call); `socat`: one
 * forking socat per endpoint, where no Node runtime is at hand.
 */
export type RelayProgram =
  | { kind: 'node'; node: string; script: string }
  | { kind: 'socat'; socat: string };

/**
 * Inside the box: start the relay, wait until every listener is up (so the agent's first request
 * finds it), then become the agent. Ports are fixed: the network namespace is the box's own.
 */
export function relayScript(relay: RelayProgram, endpoints: BoxEndpoint[]): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = relay.kind === 'node'
    ? [`ELECTRON_RUN_AS_NODE=1 ${q(relay.node)} ${q(relay.script)} ${q(JSON.stringify(endpoints.map((e) => ({ port: e.port, socket: e.socket }))))} >/dev/null 2>&1 &`]
    : endpoints.map((e) =>
      `${q(relay.socat)} TCP4-LISTEN:${e.port},bind=127.0.0.1,fork,reuseaddr,backlog=128 UNIX-CONNECT:${q(e.socket)} >/dev/null 2>&1 &`);
  const hexPorts = endpoints.map((e) => `:${e.port.toString(16).toUpperCase().padStart(4, '0')} `);
  const wait = hexPorts.length === 0 ? '' : [
    'i=0',
    `while [ $i -lt 500 ]; do up=1; for p in ${hexPorts.map((h) => q(h)).join(' ')}; do grep -q "$p" /proc/net/tcp || up=0; done; [ $up = 1 ] && break; i=$((i+1)); sleep 0.01; done`,
  ].join('; ');
  return [...lines, wait, 'exec "$@"'].filter(Boolean).join('\n');
}

/** The Node relay's source, written into the box's read-only directory. */
export const NODE_RELAY_SOURCE = `'use strict';
// Agent Lane box relay: 127.0.0.1:<port> inside the box -> the lane's unix socket (argv[2]).
const net = require('net');
for (const { port, socket } of JSON.parse(process.argv[2])) {
  net.createServer((c) => {
    const u = net.connect(socket);
    const done = () => { c.destroy(); u.destroy(); };
    c.pipe(u); u.pipe(c);
    c.on('error', done); u.on('error', done); c.on('close', done); u.on('close', done);
  }).listen({ port, host: '127.0.0.1', backlog: 511 });
}
`;
