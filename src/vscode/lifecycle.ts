/**
 * Ownership of disposables, after VS Code's own `lifecycle.ts`: everything a component
 * creates is registered with it and disposed with it, so nothing outlives its owner.
 */
import type * as vscode from 'vscode';

export class DisposableStore implements vscode.Disposable {
  private readonly items = new Set<vscode.Disposable>();
  private disposed = false;

  add<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.items.add(d);
    }
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const d of [...this.items].reverse()) {
      try {
        d.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this.items.clear();
    if (errors.length) throw new AggregateError(errors, 'errors while disposing');
  }
}

export abstract class Disposable implements vscode.Disposable {
  private readonly store = new DisposableStore();

  protected _register<T extends vscode.Disposable>(d: T): T {
    return this.store.add(d);
  }

  dispose(): void {
    this.store.dispose();
  }
}
