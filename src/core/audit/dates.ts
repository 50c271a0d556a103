/**
 * Date bounds for --since / --until / --date. A bare `YYYY-MM-DD` is a UTC calendar day, so the
 * same command gives the same answer on every auditor's machine whatever its time zone.
 */
import { AuditError } from './errors';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

function parseInstant(text: string, flag: string): number {
  const t = DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new AuditError('bad-date', `${flag} \`${text}\` is not a date: use YYYY-MM-DD (UTC) or an ISO 8601 date-time`);
  }
  return t;
}

/** Inclusive lower bound in ms. */
export function sinceBound(text: string, flag = '--since'): number {
  return parseInstant(text, flag);
}

/** Exclusive upper bound in ms: a bare day includes the whole of that day. */
export function untilBound(text: string, flag = '--until'): number {
  const t = parseInstant(text, flag);
  return DAY.test(text) ? t + MS_PER_DAY : t;
}

/** `[start, end)` of one UTC day given as YYYY-MM-DD. */
export function dayRange(text: string, flag = '--date'): { start: number; end: number } {
  if (!DAY.test(text)) throw new AuditError('bad-date', `${flag} \`${text}\` must be YYYY-MM-DD (a UTC day)`);
  const start = parseInstant(text, flag);
  return { start, end: start + MS_PER_DAY };
}
