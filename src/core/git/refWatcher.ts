/**
 * Commits seen from the host side (invariant 10). The agent's git hooks run inside the box and
 * only report what the agent lets them; this watcher runs in the lane, outside it, and finds
 * every commit that became reachable during the session — from any ref, HEAD, the stash or a
 * reflog — whatever made it (commit, cherry-pick, revert, stash, merge, plumbing, a script).
 * It scans when git's directory changes (inotify) and on a short interval, and once more when
 * the session ends. Host-side git runs with hooks and fsmonitor switched off, so nothing the
 * agent wrote into the repository runs here.
 */
import { execFile } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

export interface ObservedCommit {
  sha: string;
  tree: string;
  parents: string[];
  /** A ref that reaches it now (or `reflog` when only a reflog still does). */
  ref: string;
}

export interface RefWatcherOptions {
  workspaceRoot: string;
  onCommit: (c: ObservedCommit) => Promise<void> | void;
  onError?: (message: string) => void;
  pollMs?: number;
}

const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false'];

export class RefWatcher {
  private baseline: string[] = [];
  private readonly seen = new Set<string>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private gitDir = '';

  constructor(private readonly opts: RefWatcherOptions) {}

  /** Takes the starting point: everything reachable now is not the session's doing. */
  async start(): Promise<boolean> {
    const dir = await this.git(['rev-parse', '--absolute-git-dir']).catch(() => undefined);
    if (!dir) return false;
    this.gitDir = dir.trim();
    this.baseline = await this.tips();
    try {
      this.watcher = watch(this.gitDir, { recursive: true }, (_e, file) => {
        if (file && /^(objects|index)/.test(String(file)) && !String(file).startsWith('objects/pack')) return;
        this.kick();
      });
      this.watcher.on('error', () => undefined);
    } catch { /* polling alone */ }
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.timer.unref?.();
    return true;
  }

  /** One last scan, then stop watching. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.scanNow();
    this.stopped = true;
  }

  /** Scans now and waits for it (the session's end, tests). */
  async scanNow(): Promise<void> {
    this.kick();
    while (this.scanning) await this.scanning;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.scanning) { this.again = true; return; }
    this.scanning = this.scan().catch((err) => this.opts.onError?.(`ref watcher: ${(err as Error).message}`)).finally(() => {
      this.scanning = undefined;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  private async scan(): Promise<void> {
    const tips = await this.tips();
    const fresh = tips.filter((t) => !this.baseline.includes(t.split(' ')[0]));
    if (fresh.length === 0) return;
    const include = [...new Set(fresh.map((t) => t.split(' ')[0]))];
    const exclude = this.baseline.map((t) => `^${t.split(' ')[0]}`);
    const out = await this.git(['log', '--format=%H %T %P', '--reverse', '--stdin'], [...include, ...exclude].join('\n') + '\n');
    for (const line of out.split('\n')) {
      const [sha, tree, ...parents] = line.trim().split(/\s+/);
      if (!sha || !tree || this.seen.has(sha)) continue;
      this.seen.add(sha);
      const ref = fresh.find((t) => t.startsWith(sha))?.split(' ')[1] ?? refReaching(fresh);
      await this.opts.onCommit({ sha, tree, parents: parents.filter(Boolean), ref });
    }
  }

  /** `<sha> <ref>` for every ref, HEAD, and every reflog entry (commits only). */
  private async tips(): Promise<string[]> {
    const refs = await this.git(['for-each-ref', '--format=%(objectname) %(refname) %(objecttype)']);
    const out: string[] = [];
    for (const l of refs.split('\n')) {
      const [sha, name, type] = l.split(' ');
      if (sha && type === 'commit') out.push(`${sha} ${name}`);
    }
    const head = await this.git(['rev-parse', '--verify', '-q', 'HEAD']).catch(() => '');
    if (head.trim()) out.push(`${head.trim()} HEAD`);
    const reflog = await this.git(['log', '--walk-reflogs', '--format=%H %gD', '--all']).catch(() => '');
    for (const l of reflog.split('\n')) {
      const [sha, sel] = l.split(' ');
      if (sha && /^[0-9a-f]{40}/.test(sha)) out.push(`${sha} reflog:${sel ?? ''}`);
    }
    return [...new Set(out)];
  }

  private git(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile('git', [...SAFE, ...args], {
        cwd: this.opts.workspaceRoot, maxBuffer: 64 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      // git may exit before reading stdin (an error): that EPIPE is the error callback's to report.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  }

  get gitDirectory(): string {
    return path.resolve(this.gitDir);
  }
}

function refReaching(fresh: string[]): string {
  const named = fresh.find((t) => !t.split(' ')[1]?.startsWith('reflog:'));
  return named?.split(' ')[1] ?? 'reflog';
}
