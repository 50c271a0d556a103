/**
 * Secrets in the diff the supervisor reads: found with the trace's own rules (`findSecrets`)
 * and masked before anything reaches the page, so the panel never echoes a secret in full.
 */
import { findSecrets } from '../../core/trace/redact';

const BULLETS = '••••••••';

/** Keeps a hint of what the secret looks like (first 4 characters of a long one), never the rest. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `${secret.slice(0, 4)}${BULLETS}` : BULLETS;
}

export function maskSecrets(text: string): { text: string; rules: string[] } {
  const found = findSecrets(text).sort((a, b) => a.start - b.start || b.end - a.end);
  if (found.length === 0) return { text, rules: [] };
  const spans: Array<{ start: number; end: number }> = [];
  for (const f of found) {
    const last = spans[spans.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ start: f.start, end: f.end });
  }
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + maskSecret(text.slice(s.start, s.end));
    at = s.end;
  }
  out += text.slice(at);
  return { text: out, rules: [...new Set(found.map((f) => f.rule))] };
}
