/**
 * Everything the demo starts is registered here and torn down in reverse order: on normal
 * exit, on an error, and on Ctrl-C / SIGTERM / SIGHUP. A second Ctrl-C while cleaning up is
 * ignored so the process groups really get killed.
 */
export type CleanupStep = { readonly label: string; readonly run: () => Promise<void> | void };

export class Cleanup {
  private readonly steps: CleanupStep[] = [];
  private running: Promise<void> | undefined;

  add(label: string, run: () => Promise<void> | void): void {
    this.steps.push({ label, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop();
        if (!step) break;
        try {
          await step.run();
        } catch (err) {
          process.stderr.write(`demo: cleanup of ${step.label} failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    })();
    return this.running;
  }

  /** Installs signal handlers that clean up and exit with 128+signal (130 for Ctrl-C). */
  onSignals(onSignal?: (signal: NodeJS.Signals) => void): void {
    const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
    for (const signal of Object.keys(codes) as NodeJS.Signals[]) {
      process.on(signal, () => {
        if (this.running) return;
        onSignal?.(signal);
        void this.run().finally(() => process.exit(codes[signal] ?? 1));
      });
    }
  }
}
