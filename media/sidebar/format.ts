/** Small pure formatters for the sidebar page. */
import type { BudgetView } from '../../src/vscode/webview/protocol/sidebar';

export const WARN_RATIO = 0.8;

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function money(n: number): string {
  return `$${n.toFixed(2)}`;
}

export function count(n: number): string {
  return integer.format(n);
}

/** `12:03:04` in the page's local time; the raw ISO text when it does not parse. */
export function clock(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

/** `12m` / `1h 05m`. */
export function minutes(m: number): string {
  const whole = Math.floor(Math.max(0, m));
  if (whole < 60) return `${whole}m`;
  return `${Math.floor(whole / 60)}h ${String(whole % 60).padStart(2, '0')}m`;
}

export type GaugeLevel = 'ok' | 'warn' | 'exceeded' | 'unknown';

/** The gauge's colour: from the ratio of the tightest cap (80 % warns, 100 % is exceeded). */
export function gaugeLevel(b: BudgetView): GaugeLevel {
  if (b.level === 'exceeded' || (b.ratio !== undefined && b.ratio >= 1)) return 'exceeded';
  if (b.level === 'unknown') return 'unknown';
  if (b.level === 'warn' || (b.ratio !== undefined && b.ratio >= WARN_RATIO)) return 'warn';
  return 'ok';
}

/** A file path shortened to what a person recognises: from `.agentlane/` on, else the base name. */
export function shortFile(file: string): string {
  const i = file.lastIndexOf('.agentlane/');
  if (i >= 0) return file.slice(i);
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] ?? file;
}
