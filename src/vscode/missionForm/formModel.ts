/**
 * The mission form is generated from the mission zod schema (via `z.toJSONSchema`), so a new
 * field in the schema appears in the form without touching the page. Labels and help come
 * from the schema's `.describe()` text (`Label: help`). Only how a field is edited (a text
 * area, a generated id) is decided here.
 */
import { z } from 'zod';
import { missionSchema } from '../../core/mission/schema';
import type { FormField } from '../webview/protocol/missionForm';

/** The parts of a JSON Schema node this walker reads. */
interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  format?: string;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
}

/** How a field is edited, where the schema alone cannot tell. */
const WIDGETS: Record<string, Partial<{ multiline: boolean; format: 'id' }>> = {
  id: { format: 'id' },
  outcome: { multiline: true },
};

export function formFromJsonSchema(schema: SchemaNode): FormField[] {
  return fieldsOf(schema, '');
}

let cached: FormField[] | undefined;

/** The mission form, derived once from `missionSchema`. */
export function missionFormFields(): FormField[] {
  cached ??= formFromJsonSchema(z.toJSONSchema(missionSchema, { io: 'input', unrepresentable: 'any' }) as SchemaNode);
  return cached;
}

function fieldsOf(node: SchemaNode, prefix: string): FormField[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).map(([key, child]) => fieldOf(key, child, prefix ? `${prefix}.${key}` : key, required.has(key)));
}

function fieldOf(key: string, node: SchemaNode, path: string, required: boolean): FormField {
  const { label, help } = labelOf(key, node.description);
  const base = { key, path, label, required, ...(help ? { help } : {}) };
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  if (node.const !== undefined) return { ...base, kind: 'const', value: node.const as string | number | boolean };
  if (node.enum) return { ...base, kind: 'select', options: node.enum.map(String) };
  if (type === 'object') return { ...base, kind: 'group', fields: fieldsOf(node, path) };
  if (type === 'array') {
    const items = node.items ?? {};
    if (items.type === 'object') return { ...base, kind: 'rows', fields: fieldsOf(items, ''), minItems: node.minItems ?? 0 };
    return { ...base, kind: 'lines' };
  }
  if (type === 'number' || type === 'integer') return { ...base, kind: 'number', integer: type === 'integer' };
  const format = WIDGETS[key]?.format ?? (node.format === 'email' || node.format === 'date-time' ? node.format : undefined);
  return {
    ...base, kind: 'text',
    ...(format ? { format } : {}),
    ...(WIDGETS[key]?.multiline ? { multiline: true } : {}),
    ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
    ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
  };
}

/** `Outcome: what is true when the mission is done` → label + help; no description → `valueStream` → `Value stream`. */
export function labelOf(key: string, description: string | undefined): { label: string; help?: string } {
  if (description) {
    const i = description.indexOf(': ');
    return i > 0 ? { label: description.slice(0, i), help: description.slice(i + 2) } : { label: description };
  }
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return { label: words.charAt(0).toUpperCase() + words.slice(1) };
}

/** Every leaf key path of the form (`supervisors[].email` for rows), for coverage checks. */
export function leafPaths(fields: readonly FormField[], prefix = ''): string[] {
  return fields.flatMap((f) => {
    const p = prefix ? `${prefix}.${f.key}` : f.key;
    if (f.kind === 'group') return leafPaths(f.fields, p);
    if (f.kind === 'rows') return leafPaths(f.fields, `${p}[]`);
    return [p];
  });
}
