/**
 * The analyser's cost bound. A command larger than `MAX_COMMAND_CHARS`, or one whose analysis
 * takes more than `MAX_WORK` steps (syntax nodes visited plus actions emitted), is not analysed
 * further: it is reported as unanalysable with the reason, so the engine denies it (fail closed)
 * instead of stalling the broker.
 */
export const MAX_COMMAND_CHARS = 16 * 1024;
export const MAX_WORK = 4_000;
/**
 * tree-sitter reports progress every few hundred parse steps; everyday commands (and long
 * heredocs) finish before the first report, a 2 KB pipeline takes about 40.
 */
export const MAX_PARSE_PROGRESS = 32;

export class BudgetExceeded extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }

  static is(e: unknown): e is BudgetExceeded {
    return e instanceof BudgetExceeded;
  }
}

export class AnalysisBudget {
  private used = 0;

  spend(units: number): void {
    this.used += units;
    if (this.used > MAX_WORK) {
      throw new BudgetExceeded(`command needs more than ${MAX_WORK} analysis steps (the analyser's work budget)`);
    }
  }
}
