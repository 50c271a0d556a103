/**
 * Finds trace files that need syncing in a directory: fs.watch for promptness, plus a periodic
 * listing because fs.watch is best-effort (network drives, editors that rename, events
 * coalesced or dropped under load). Either path only *kicks* a file; the engine serialises
 * the work per file.
 */
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { SyncClock } from './backoff';

/** Trace files are `<session>.trace.jsonl` (session/lane.ts); torn sidecars end otherwise. */
export function isTraceFileName(name: string): boolean {
  return name.endsWith('.jsonl') && !name.startsWith('.');
}

export interface SyncWatcherOptions {
  pollMs: number;
  clock: SyncClock;
  shouldSync(file: string, size: number): boolean;
  sync(file: string, signal: AbortSignal): Promise<void>;
}

export class SyncWatcher {
  private readonly abort = new AbortController();
  private fsWatcher: FSWatcher | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly dir: string, private readonly opts: SyncWatcherOptions) {}

  start(): void {
    try {
      this.fsWatcher = watch(this.dir, { persistent: false }, (_event, name) => {
        if (typeof name === 'string' && isTraceFileName(name)) this.kick(path.join(this.dir, name));
      });
      // A watcher error (directory removed, too many watches) leaves the poll to do the job.
      this.fsWatcher.on('error', () => this.closeFsWatcher());
    } catch {
      this.fsWatcher = undefined;
    }
    this.loop = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.closeFsWatcher();
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private closeFsWatcher(): void {
    this.fsWatcher?.close();
    this.fsWatcher = undefined;
  }

  private kick(file: string): void {
    if (this.abort.signal.aborted) return;
    const p = this.opts.sync(file, this.abort.signal);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async pollLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await this.pollOnce();
      await this.opts.clock.sleep(this.opts.pollMs, this.abort.signal);
    }
  }

  private async pollOnce(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return; // the directory may not exist yet: the lane creates it with its first session
    }
    for (const name of names.filter(isTraceFileName)) {
      const file = path.join(this.dir, name);
      try {
        const st = await fsp.stat(file);
        if (st.isFile() && this.opts.shouldSync(file, st.size)) this.kick(file);
      } catch {
        // Vanished between readdir and stat: nothing to ship.
      }
    }
  }
}
