/**
 * Coalesces a stream of items into few messages: at most one flush per interval, at most
 * `maxPerMessage` items a message. A burst of 50 decisions a second becomes ~10 posts, not 50.
 * Pure: the timer is injected.
 */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface BatcherOptions<T> {
  intervalMs: number;
  maxPerMessage: number;
  /** Items kept while waiting; past this the oldest are dropped (the page keeps at most this many too). */
  capacity: number;
  send(items: T[]): void;
  scheduler?: Scheduler;
}

export class Batcher<T> {
  private buffer: T[] = [];
  private timer: unknown;
  private readonly scheduler: Scheduler;

  constructor(private readonly opts: BatcherOptions<T>) {
    this.scheduler = opts.scheduler ?? realScheduler;
  }

  get pending(): number {
    return this.buffer.length;
  }

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length > this.opts.capacity) this.buffer.splice(0, this.buffer.length - this.opts.capacity);
    if (this.timer === undefined) this.timer = this.scheduler.setTimeout(() => this.flush(), this.opts.intervalMs);
  }

  /** Sends everything buffered now, in chunks of `maxPerMessage`. */
  flush(): void {
    this.cancelTimer();
    const items = this.buffer;
    this.buffer = [];
    for (let i = 0; i < items.length; i += this.opts.maxPerMessage) {
      this.opts.send(items.slice(i, i + this.opts.maxPerMessage));
    }
  }

  /** Drops what is buffered (a full snapshot is about to replace it). */
  clear(): void {
    this.cancelTimer();
    this.buffer = [];
  }

  dispose(): void {
    this.clear();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
