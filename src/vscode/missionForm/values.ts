/**
 * Raw form values ⇄ the mission as YAML would hold it. Walks the generated form fields, so
 * the key order of the result is the schema's order and unknown keys never get through.
 * Nothing here validates: that is the mission loader's job, so the messages are the CLI's.
 */
import { stringify } from 'yaml';
import type { FormField, FormValue, FormValues } from '../webview/protocol/missionForm';

type Json = string | number | boolean | Json[] | { [key: string]: Json };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Form values → mission input: empty optional fields left out, required ones kept so the schema names them. */
export function valuesToInput(fields: readonly FormField[], values: FormValues): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of fields) {
    const v = convert(f, values[f.key]);
    if (v !== undefined) out[f.key] = v;
  }
  return out;
}

function convert(f: FormField, raw: FormValue | undefined): Json | undefined {
  switch (f.kind) {
    case 'const':
      return f.value;
    case 'text': {
      const s = str(raw).trim();
      return s === '' && !f.required ? undefined : s;
    }
    case 'select': {
      const s = str(raw).trim();
      return s === '' ? undefined : s;
    }
    case 'number': {
      const s = str(raw).trim();
      if (s === '') return undefined;
      // Not a number: passed on as text, so the schema reports it as the CLI would for the same YAML.
      return NUMBER.test(s) ? Number(s) : s;
    }
    case 'lines': {
      const items = str(raw).split('\n').map((l) => l.trim()).filter((l) => l !== '');
      return items.length === 0 && !f.required ? undefined : items;
    }
    case 'group': {
      const obj = valuesToInput(f.fields, group(raw));
      return Object.keys(obj).length === 0 && !f.required ? undefined : obj;
    }
    case 'rows': {
      const rows = (Array.isArray(raw) ? raw : [])
        .filter((row) => Object.values(row).some((x) => x.trim() !== ''))
        .map((row) => valuesToInput(f.fields, row));
      return rows.length === 0 && !f.required ? undefined : rows;
    }
  }
}

/** Whatever a YAML file holds → form values; what does not fit a field is left out (the loader reports it). */
export function inputToValues(fields: readonly FormField[], input: unknown): FormValues {
  const obj = isRecord(input) ? input : {};
  const out: FormValues = {};
  for (const f of fields) {
    if (f.kind === 'const') continue;
    const v = obj[f.key];
    if (f.kind === 'group') out[f.key] = flat(f.fields, v);
    else if (f.kind === 'rows') out[f.key] = Array.isArray(v) ? v.map((row) => flat(f.fields, row)) : [];
    else if (f.kind === 'lines') out[f.key] = Array.isArray(v) ? v.map(scalar).join('\n') : scalar(v);
    else out[f.key] = scalar(v);
  }
  return out;
}

/** Values for a fresh form: every field empty, one empty row where rows are required. */
export function emptyValues(fields: readonly FormField[]): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    if (f.kind === 'const') continue;
    if (f.kind === 'group') out[f.key] = flat(f.fields, {});
    else if (f.kind === 'rows') out[f.key] = Array.from({ length: Math.max(1, f.minItems) }, () => flat(f.fields, {}));
    else out[f.key] = '';
  }
  return out;
}

/** Stable YAML: keys in the schema's order (the input was built in that order). */
export function missionYaml(input: Record<string, Json>): string {
  return stringify(input, { lineWidth: 0 });
}

function flat(fields: readonly FormField[], v: unknown): Record<string, string> {
  const obj = isRecord(v) ? v : {};
  const out: Record<string, string> = {};
  for (const f of fields) {
    if (f.kind === 'lines') out[f.key] = Array.isArray(obj[f.key]) ? (obj[f.key] as unknown[]).map(scalar).join('\n') : scalar(obj[f.key]);
    else if (f.kind !== 'group' && f.kind !== 'rows' && f.kind !== 'const') out[f.key] = scalar(obj[f.key]);
  }
  return out;
}

function scalar(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function str(v: FormValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function group(v: FormValue | undefined): FormValues {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
