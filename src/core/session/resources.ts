/**
 * Owns what a lane opens while it opens (files, servers, the box): if a later step fails,
 * `unwind()` closes everything already opened, newest first, and a half-opened lane leaves
 * nothing behind. Once the lane is complete, `release()` hands ownership to the lane's close().
 */
export class Resources {
  private readonly stack: Array<() => unknown> = [];
  private released = false;

  defer(close: () => unknown): void {
    if (!this.released) this.stack.push(close);
  }

  release(): void {
    this.released = true;
    this.stack.length = 0;
  }

  async unwind(): Promise<void> {
    while (this.stack.length > 0) {
      const close = this.stack.pop()!;
      try { await close(); } catch { /* keep unwinding: the first error is what the caller reports */ }
    }
  }
}
