/**
 * A tiny typed event emitter with the same shape as `vscode.Event`, so core services can be
 * subscribed to from the VS Code layer (and from the CLI) without importing `vscode`.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: Array<(e: T) => void> = [];

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // A broken UI listener must never break the decision path; report and carry on.
        queueMicrotask(() => { throw err; });
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
