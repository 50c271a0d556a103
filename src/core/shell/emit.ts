/**
 * Collects the actions of one analysis and carries the state that flows through a command
 * list: the directory changes made by `cd`, and the nesting depth of re-parsed scripts.
 */
import * as path from 'path';
import type { Action } from '../policy/types';
import type { HostPort } from './urlHost';
import type { Arg } from './words';

export type ExecAction = Extract<Action, { kind: 'shell.exec' }>;

/**
 * Directory prefix from earlier `cd`s: `''` none seen (paths stay as written), a path to join
 * relative paths onto, or `null` after `cd -`/`cd $X` (relative paths can no longer be known).
 */
export type Cwd = string | null;

export const MAX_DEPTH = 8;

/** Device files that hold nothing: reading or writing them touches no file of the workspace. */
const HARMLESS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/stdin', '/dev/tty', '/dev/zero', '/dev/random', '/dev/urandom']);

/**
 * Extensions that name files, not directories. A recursive operation on `src/a.ts` then needs
 * no `src/a.ts/**` twin. Kept to source-ish extensions: a directory called `config.d` must
 * still count as a directory, or its `.env` would slip through.
 */
const FILE_EXTENSIONS = /\.(ts|tsx|js|jsx|mjs|cjs|json|md|txt|py|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|css|scss|html|yml|yaml|toml|lock|sh|log|csv|tsv|xml|svg|png|jpg|gif|snap|patch|diff|orig|map|wasm|tgz|zip|gz)$/i;

export class Emitter {
  readonly actions: Action[] = [];
  cwd: Cwd = '';
  depth = 0;
  /** Paths the last pipeline stage prints (`find src` → `src/**`), for `| xargs cat`. */
  lastPrintedPaths: Arg[] | undefined;

  push(action: Action): void {
    this.actions.push(action);
  }

  exec(argv: string[], text: string): ExecAction {
    const action: ExecAction = { kind: 'shell.exec', argv, text };
    this.actions.push(action);
    return action;
  }

  read(target: Arg | string, via: string, forceGlob = false): void {
    this.file('file.read', target, via, forceGlob);
  }

  write(target: Arg | string, via: string, forceGlob = false): void {
    this.file('file.write', target, via, forceGlob);
  }

  /** A recursive read/write of a directory argument: the path itself and everything below. */
  tree(kind: 'file.read' | 'file.write', target: Arg, via: string): void {
    this.file(kind, target, via, false);
    if (!target.glob && !target.path.endsWith('/') && FILE_EXTENSIONS.test(target.path)) return;
    const base = target.path.replace(/\/+$/, '');
    this.file(kind, { ...target, path: base === '' ? '/**' : `${base}/**`, glob: true }, via, true);
  }

  net(hp: HostPort, via: string, url?: string): void {
    const action: Extract<Action, { kind: 'net.fetch' }> = { kind: 'net.fetch', host: hp.host, via };
    if (hp.port !== undefined) action.port = hp.port;
    if (url !== undefined) action.url = url;
    this.actions.push(action);
  }

  unanalyzable(reason: string, text: string): void {
    this.actions.push({ kind: 'unanalyzable', reason, text });
  }

  tamper(reason: string, text: string): void {
    this.actions.push({ kind: 'self.tamper', reason, text });
  }

  private file(kind: 'file.read' | 'file.write', target: Arg | string, via: string, forceGlob: boolean): void {
    if (typeof target !== 'string' && target.procSub) return; // `<(…)`: its command was analysed
    const raw = typeof target === 'string' ? target : target.path;
    const glob = forceGlob || (typeof target !== 'string' && target.glob);
    if (raw === '' || raw === '-' || HARMLESS.has(raw)) return;
    const joined = joinCwd(this.cwd, raw);
    if (joined === null) {
      this.unanalyzable(`relative path \`${raw}\` follows a \`cd\` to a directory that cannot be known`, via);
      return;
    }
    const action: Extract<Action, { kind: 'file.read' | 'file.write' }> = glob
      ? { kind, path: joined, glob: true, via }
      : { kind, path: joined, via };
    this.actions.push(action);
  }
}

export function joinCwd(cwd: Cwd, p: string): string | null {
  if (p.startsWith('/') || p.startsWith('~')) return p;
  if (cwd === '') return p;
  if (cwd === null) return null;
  const joined = path.posix.join(cwd, p);
  return p.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

/** Quote-free rendering of an argv for `text` of unwrapped inner commands. */
export function renderArgv(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./~*-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
