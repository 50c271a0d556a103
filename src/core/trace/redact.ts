/**
 * Invariant 6: no raw secrets at rest. A command is stored redacted, next to a hash of the raw
 * text so two traces can still tell whether they ran the same command.
 *
 * The hash is plain (domain-separated) SHA-256: it proves equality, not secrecy. A weak secret
 * in an otherwise visible command can be guessed offline from `cmd_hash` + `cmd_redacted`;
 * pass a `hashKey` (per-installation HMAC key) where that matters.
 */
import { createHash, createHmac } from 'node:crypto';
import { COMMAND_DOMAIN, PROMPT_DOMAIN } from './canonical';
import { SECRET_RULES, type SecretRule } from './redactRules';

export interface RedactedCommand {
  redacted: string;
  cmd_hash: string;
  /** Ids of the rules that fired, in rule-table order, without duplicates. */
  findings: string[];
}

export interface Finding {
  rule: string;
  start: number;
  end: number;
}

const mask = (rule: string): string => `[REDACTED:${rule}]`;

/** Where each rule finds a secret in `text` (overlaps not yet merged). */
export function findSecrets(text: string, rules: readonly SecretRule[] = SECRET_RULES): Finding[] {
  const found: Finding[] = [];
  for (const rule of rules) {
    // A fresh copy per call: global regexes carry lastIndex, and `d` gives group offsets.
    const re = new RegExp(rule.pattern.source, rule.pattern.flags.includes('d') ? rule.pattern.flags : `${rule.pattern.flags}d`);
    for (const m of text.matchAll(re)) {
      const span = secretSpan(m, rule.group ?? 0);
      if (!span) continue;
      const secret = text.slice(span[0], span[1]);
      if (secret.length === 0 || (rule.accept && !rule.accept(secret))) continue;
      found.push({ rule: rule.id, start: span[0], end: span[1] });
    }
  }
  return found;
}

function secretSpan(m: RegExpExecArray | RegExpMatchArray, group: number): [number, number] | undefined {
  const indices = (m as RegExpExecArray).indices;
  if (!indices) return undefined;
  if (group >= 0) return indices[group];
  for (let g = 1; g < indices.length; g++) if (indices[g]) return indices[g];
  return undefined;
}

/** `text` with every secret replaced by `[REDACTED:<rule>]`; overlapping finds merge (first rule names it). */
export function redactText(text: string): string {
  return redactWithFindings(text).redacted;
}

function redactWithFindings(text: string): { redacted: string; findings: string[] } {
  const found = findSecrets(text);
  if (found.length === 0) return { redacted: text, findings: [] };
  const order = new Map(SECRET_RULES.map((r, i) => [r.id, i]));
  const rank = (f: Finding): number => order.get(f.rule) ?? Number.MAX_SAFE_INTEGER;
  found.sort((a, b) => a.start - b.start || rank(a) - rank(b));
  const merged: Finding[] = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (rank(f) < rank(last)) last.rule = f.rule;
    } else {
      merged.push({ ...f });
    }
  }
  let out = '';
  let at = 0;
  for (const f of merged) {
    out += text.slice(at, f.start) + mask(f.rule);
    at = f.end;
  }
  out += text.slice(at);
  const findings = [...new Set(found.map((f) => f.rule))].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { redacted: out, findings };
}

/** Hash of a raw command: hex SHA-256 (or HMAC-SHA-256 with `hashKey`) over a domain tag and the text. */
export function commandHash(cmd: string, hashKey?: Buffer): string {
  const h = hashKey ? createHmac('sha256', hashKey) : createHash('sha256');
  return h.update(COMMAND_DOMAIN, 'utf8').update(cmd, 'utf8').digest('hex');
}

export function redactCommand(cmd: string, opts: { hashKey?: Buffer } = {}): RedactedCommand {
  const { redacted, findings } = redactWithFindings(cmd);
  return { redacted, cmd_hash: commandHash(cmd, opts.hashKey), findings };
}

/** `prompt_hash` of prompt.submitted: the prompt itself may hold secrets and never reaches the trace. */
export function promptHash(prompt: string, hashKey?: Buffer): string {
  const h = hashKey ? createHmac('sha256', hashKey) : createHash('sha256');
  return h.update(PROMPT_DOMAIN, 'utf8').update(prompt, 'utf8').digest('hex');
}
