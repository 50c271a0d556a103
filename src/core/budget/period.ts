/**
 * Reporting periods of the FinOps ledger: a year `2026`, a half `2026-H1`, a quarter
 * `2026-Q2` or a month `2026-05`. Periods are UTC and half-open, [start, end), so consecutive
 * periods tile time without overlap and a timestamp belongs to exactly one of them.
 */

/** Also used by the zod schema, so the generated JSON Schema carries the same pattern. */
export const PERIOD_PATTERN = /^(\d{4})(?:-(?:Q([1-4])|H([12])|(0[1-9]|1[0-2])))?$/;

export type PeriodKind = 'year' | 'half' | 'quarter' | 'month';

export interface Period {
  text: string;
  kind: PeriodKind;
  /** Inclusive, UTC midnight. */
  start: Date;
  /** Exclusive, UTC midnight. */
  end: Date;
}

function utc(year: number, monthIndex: number): Date {
  return new Date(Date.UTC(year, monthIndex, 1));
}

/** Parse a period; undefined when the text is not one of the four forms. */
export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD_PATTERN.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[2]) {
    const first = (Number(m[2]) - 1) * 3;
    return { text, kind: 'quarter', start: utc(year, first), end: utc(year, first + 3) };
  }
  if (m[3]) {
    const first = (Number(m[3]) - 1) * 6;
    return { text, kind: 'half', start: utc(year, first), end: utc(year, first + 6) };
  }
  if (m[4]) {
    const month = Number(m[4]) - 1;
    return { text, kind: 'month', start: utc(year, month), end: utc(year, month + 1) };
  }
  return { text, kind: 'year', start: utc(year, 0), end: utc(year + 1, 0) };
}

export function periodContains(period: Period, at: Date): boolean {
  const t = at.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/** The quarter containing `at` (UTC), e.g. for a default export period. */
export function quarterOf(at: Date): string {
  return `${at.getUTCFullYear()}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
}
