/**
 * Collects the actions of one analysis and carries the state that flows through a command
 * list: the directories earlier `cd`s may have moved to, links made earlier in the command,
 * shell options that change globbing, known variable values, and the work budget.
 */
import * as path from 'path';
import type { Action } from '../policy/types';
import { dealiasPath } from './aliases';
import { numericNames } from './arithmetic';
import { AnalysisBudget } from './budget';
import type { HostPort } from './urlHost';
import type { Arg } from './words';

export type ExecAction = Extract<Action, { kind: 'shell.exec' }>;

/**
 * One possible working directory: `''` where the command started (paths stay as written), a
 * path to join relative paths onto, or `null` when it cannot be known (`cd -`, `cd $X`).
 */
export type Cwd = string | null;

export const MAX_DEPTH = 8;
/** More candidate directories than this and relative paths are no longer worth guessing. */
const MAX_CWDS = 8;

/** Device files that hold nothing: reading or writing them touches no file of the workspace. */
const HARMLESS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/stdin', '/dev/tty', '/dev/zero', '/dev/random', '/dev/urandom']);

/**
 * Extensions that name files, not directories. A recursive operation on `src/a.ts` then needs
 * no `src/a.ts/**` twin. Kept to source-ish extensions: a directory called `config.d` must
 * still count as a directory, or its `.env` would slip through.
 */
const FILE_EXTENSIONS = /\.(ts|tsx|js|jsx|mjs|cjs|json|md|txt|py|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|css|scss|html|yml|yaml|toml|lock|sh|log|csv|tsv|xml|svg|png|jpg|gif|snap|patch|diff|orig|map|wasm|tgz|zip|gz)$/i;

export interface ShellOptions {
  /** `shopt -s nocaseglob`: globs match regardless of case. */
  nocaseglob: boolean;
  /** `shopt -s dotglob` or a `GLOBIGNORE` assignment: `*` matches dot files. */
  dotglob: boolean;
}

export function unionCwds(a: readonly Cwd[], b: readonly Cwd[]): Cwd[] {
  const out: Cwd[] = [...a];
  for (const c of b) if (!out.includes(c)) out.push(c);
  return out.length > MAX_CWDS ? [null] : out;
}

export class Emitter {
  readonly actions: Action[] = [];
  /** Every directory the next command may run in. */
  cwds: Cwd[] = [''];
  /** Where the next command runs if the last one succeeded (set by `cd` for `cd x && …`). */
  success: Cwd[] | undefined;
  depth = 0;
  readonly budget = new AnalysisBudget();
  /** Paths the last pipeline stage prints (`find src` → `src/**`), for `| xargs cat`. */
  lastPrintedPaths: Arg[] | undefined;
  /** `link → target` made earlier in this command (`ln -s /repo r; cat r/secrets/x`). */
  readonly links: Array<{ link: string; target: string }> = [];
  readonly options: ShellOptions = { nocaseglob: false, dotglob: false };
  /** Values known statically: loop variables over a word list, plain top-level assignments. */
  readonly vars = new Map<string, Arg>();
  /** Functions defined in this command, re-analysed where they are called. */
  readonly functions = new Map<string, import('web-tree-sitter').Node>();
  /** Parsed scripts whose numeric names are computed on first need (most commands have no arithmetic). */
  readonly scripts: import('web-tree-sitter').Node[] = [];
  private numericCache: Set<string> | undefined;
  private numericFrom = 0;

  /** A script's tree is about to be freed (a `bash -c` string is done): its names no longer count. */
  forgetScript(root: import('web-tree-sitter').Node): void {
    const i = this.scripts.findIndex((r) => r.id === root.id);
    if (i !== -1) this.scripts.splice(i, 1);
    this.numericCache = undefined;
    this.numericFrom = 0;
  }

  /** Names that only ever hold numbers in the scripts parsed so far (see `arithmetic.ts`). */
  get numeric(): ReadonlySet<string> {
    if (!this.numericCache || this.numericFrom < this.scripts.length) {
      const set = this.numericCache ?? new Set<string>();
      for (const root of this.scripts.slice(this.numericFrom)) for (const n of numericNames(root)) set.add(n);
      this.numericCache = set;
      this.numericFrom = this.scripts.length;
    }
    return this.numericCache;
  }
  /** Set when `IFS` is assigned: unquoted values may split anywhere. */
  ifs = false;
  /** Where the most recent simple command ran (for redirections the grammar attaches to a whole list). */
  lastCommandCwds: Cwd[] | undefined;
  /** Names declared integer (`declare -i`): assigning them evaluates arithmetic. */
  readonly integers = new Set<string>();
  /** How many `for` loops are being unrolled around the current command. */
  unrolling = 0;
  /** Function bodies re-analysed at their calls so far (bounded: see `dispatch.ts`). */
  functionCalls = 0;
  /** Set when `PATH` is assigned: a bare program name may run any file. */
  pathChanged = false;
  /** Set when `CDPATH` is assigned: a relative `cd` may land anywhere. */
  cdpath = false;

  push(action: Action): void {
    this.budget.spend(1);
    this.actions.push(action);
  }

  exec(argv: string[], text: string): ExecAction {
    const action: ExecAction = { kind: 'shell.exec', argv, text };
    this.push(action);
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
    this.push(action);
  }

  unanalyzable(reason: string, text: string): void {
    this.push({ kind: 'unanalyzable', reason, text });
  }

  tamper(reason: string, text: string): void {
    this.push({ kind: 'self.tamper', reason, text });
  }

  /** Records `ln`/`cp -s` so later paths through the link are also judged as the target. */
  link(linkPath: string, targetPath: string): void {
    for (const cwd of this.cwds) {
      const l = joinCwd(cwd, linkPath);
      const t = joinCwd(cwd, targetPath);
      if (l !== null && t !== null) this.links.push({ link: path.posix.normalize(l).replace(/\/+$/, ''), target: t });
    }
  }

  /**
   * A file operand of a program without a table: the engine treats it as read and, where it is
   * a denied, protected or out-of-scope path, as written (the program might do either).
   */
  operand(target: Arg, via: string): void {
    this.file('file.read', target, via, false);
    this.file('file.write', target, via, false, true);
  }

  private file(kind: 'file.read' | 'file.write', target: Arg | string, via: string, forceGlob: boolean, operand = false): void {
    if (typeof target !== 'string' && target.procSub) return; // `<(…)`: its command was analysed
    let raw = typeof target === 'string' ? target : target.path;
    let glob = forceGlob || (typeof target !== 'string' && target.glob);
    if (raw === '' || raw === '-' || HARMLESS.has(raw)) return;
    const plain = dealiasPath(raw);
    raw = plain.path;
    glob = glob || plain.glob;
    if (glob && this.options.nocaseglob) raw = caseless(raw);
    const seen = new Set<string>();
    for (const cwd of this.cwds) {
      const joined = joinCwd(cwd, raw);
      if (joined === null) {
        this.unanalyzable(`relative path \`${raw}\` follows a \`cd\` to a directory that cannot be known`, via);
        continue;
      }
      for (const p of [joined, ...this.throughLinks(joined)]) {
        if (seen.has(p)) continue;
        seen.add(p);
        const action: Extract<Action, { kind: 'file.read' | 'file.write' }> = { kind, path: p, via };
        if (glob) action.glob = true;
        if (glob && this.options.dotglob) action.dotglob = true;
        if (operand) action.operand = true;
        this.push(action);
      }
    }
  }

  private throughLinks(p: string): string[] {
    const out: string[] = [];
    const norm = path.posix.normalize(p);
    for (const { link, target } of this.links) {
      if (norm === link) out.push(target);
      else if (norm.startsWith(`${link}/`)) out.push(`${target.replace(/\/+$/, '')}/${norm.slice(link.length + 1)}`);
    }
    return out;
  }
}

/** `shopt -s nocaseglob`: `.ENV*` may match `.env`, so letters become `[eE]` classes. */
function caseless(glob: string): string {
  return glob.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
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
