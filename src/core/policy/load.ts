/**
 * Policy text → a validated layer that remembers where every rule came from.
 * Pure: takes text, never reads files (see loadFiles.ts for that).
 */
import { createHash } from 'node:crypto';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { LayerName } from './types';
import { policySchema, type PolicyDocument } from './schema';
import type { PolicyProblem } from './errors';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface PolicyLayer {
  layer: LayerName;
  file: string;
  /** SHA-256 of the file's bytes: what the trace pins. */
  hash: string;
  doc: PolicyDocument;
  /** `paths.deny[0]` → position of that entry in the file. */
  positions: ReadonlyMap<string, SourcePosition>;
}

export type LoadResult = { ok: true; layer: PolicyLayer } | { ok: false; errors: PolicyProblem[] };

export function hashPolicyText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function loadPolicyFromText(text: string, file: string, layer: LayerName): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const yamlErrors = doc.errors.map((e): PolicyProblem => ({
    file,
    ...at(e.pos[0]),
    path: '',
    message: `yaml: ${firstLine(e.message)}`,
  }));
  if (yamlErrors.length > 0) return { ok: false, errors: yamlErrors };

  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  if (data === null || data === undefined) {
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: 'policy file is empty: it needs at least `version: 1`' }] };
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue): PolicyProblem => {
      const keyPath = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
      // For unknown keys zod reports the parent object; point at the offending key itself.
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const target = unknownKey !== undefined ? [...keyPath, unknownKey] : keyPath;
      const pos = positionOf(doc, target, at, unknownKey !== undefined);
      return { file, ...pos, path: formatKeyPath(target), message: describeIssue(issue) };
    });
    return { ok: false, errors };
  }

  return {
    ok: true,
    layer: { layer, file, hash: hashPolicyText(text), doc: parsed.data, positions: collectPositions(doc, at) },
  };
}

function describeIssue(issue: { code: string; message: string; keys?: readonly string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
  }
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${k}` : k;
  return out;
}

/** Deepest existing node along `path`; for unknown keys, the key node itself. */
function positionOf(
  doc: Document,
  path: readonly (string | number)[],
  at: (o: number) => SourcePosition,
  wantKey: boolean,
): SourcePosition {
  let node: unknown = doc.contents;
  let best: SourcePosition = { line: 1, column: 1 };
  const rangeOf = (n: unknown): SourcePosition | undefined => {
    const r = (n as Node | null)?.range;
    return r ? at(r[0]) : undefined;
  };
  best = rangeOf(node) ?? best;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(key));
      if (!pair) break;
      const isLast = i === path.length - 1;
      best = (isLast && wantKey ? rangeOf(pair.key) : rangeOf(pair.value) ?? rangeOf(pair.key)) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = rangeOf(node) ?? best;
    } else break;
  }
  return best;
}

function keyText(k: unknown): string {
  if (k && typeof k === 'object' && 'value' in k) return String((k as { value: unknown }).value);
  return String(k);
}

/** Every map key and sequence item, by key path: rules cite their line from here. */
export function collectPositions(doc: Document, at: (o: number) => SourcePosition): Map<string, SourcePosition> {
  const out = new Map<string, SourcePosition>();
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        const r = (pair.key as Node | null)?.range;
        if (r) out.set(formatKeyPath([...path, key]), at(r[0]));
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const r = (item as Node | null)?.range;
        if (r) out.set(formatKeyPath([...path, i]), at(r[0]));
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim().replace(/\.$/, '');
}
