/**
 * Draws the generated fields. Each input writes straight into the values object it was given
 * and calls `changed`; messages live in a slot per key path that `showMessages` fills later,
 * so typing never rebuilds the form (focus and caret stay where they are).
 */
import type { FormField, FormValues } from '../../src/vscode/webview/protocol/missionForm';
import { h } from '../common/dom';

export interface FieldHooks {
  changed: () => void;
  /** Structure changed (a row added or removed): rebuild the form. */
  rebuild: () => void;
  regenerateId: () => void;
}

export function domId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

export function renderFields(fields: readonly FormField[], values: FormValues, prefix: string, hooks: FieldHooks): HTMLElement[] {
  return fields.filter((f) => f.kind !== 'const').map((f) => renderField(f, values, prefix ? `${prefix}.${f.key}` : f.key, hooks));
}

function renderField(f: FormField, values: FormValues, path: string, hooks: FieldHooks): HTMLElement {
  const id = domId(path);
  const msg = h('div', { className: 'msg', id: `${id}-msg`, 'data-path': path, 'aria-live': 'polite' });
  const help = f.help ? h('div', { className: 'help muted', id: `${id}-help`, text: f.help }) : null;
  const describedBy = [help ? `${id}-help` : '', `${id}-msg`].filter(Boolean).join(' ');
  const label = h('label', { for: id }, f.label, f.required ? h('span', { className: 'req', 'aria-hidden': 'true', text: ' *' }) : null);

  switch (f.kind) {
    case 'group': {
      const sub = group(values, f.key);
      return h('fieldset', { className: `group g-${f.key}`, 'data-path': path },
        h('legend', {}, f.label), help, msg, ...renderFields(f.fields, sub, path, hooks));
    }
    case 'rows': {
      const rows = rowsOf(values, f.key);
      const box = h('fieldset', { className: 'rows', 'data-path': path }, h('legend', {}, f.label, f.required ? ' *' : ''), help, msg);
      rows.forEach((row, i) => {
        const rowPath = `${path}[${i}]`;
        const remove = h('button', { type: 'button', className: 'secondary small', 'aria-label': `Remove ${f.label.toLowerCase()} ${i + 1}`, disabled: rows.length <= Math.max(1, f.minItems) }, 'Remove');
        remove.addEventListener('click', () => { rows.splice(i, 1); hooks.changed(); hooks.rebuild(); });
        box.append(h('div', { className: 'row', role: 'group', 'aria-label': `${f.label} ${i + 1}` },
          ...renderFields(f.fields, row as unknown as FormValues, rowPath, hooks), remove,
          h('div', { className: 'msg', id: `${domId(rowPath)}-msg`, 'data-path': rowPath })));
      });
      const add = h('button', { type: 'button', className: 'secondary', id: `${id}-add` }, `Add ${singular(f.label)}`);
      add.addEventListener('click', () => {
        rows.push(Object.fromEntries(f.fields.map((c) => [c.key, ''])));
        hooks.changed();
        hooks.rebuild();
        document.getElementById(domId(`${path}[${rows.length - 1}].${f.fields[0]?.key ?? ''}`))?.focus();
      });
      box.append(add);
      return box;
    }
    case 'select': {
      const select = h('select', { id, 'aria-describedby': describedBy, 'aria-required': String(f.required) },
        h('option', { value: '', text: '— choose —' }),
        ...f.options.map((o) => h('option', { value: o, text: o })));
      select.value = str(values[f.key]);
      select.addEventListener('change', () => { values[f.key] = select.value; markRequired(select, f); hooks.changed(); });
      return h('div', { className: 'field', 'data-path': path }, label, select, help, msg);
    }
    case 'lines': {
      const area = h('textarea', { id, rows: 3, spellcheck: 'false', placeholder: 'one glob per line', 'aria-describedby': describedBy });
      area.value = str(values[f.key]);
      area.addEventListener('input', () => { values[f.key] = area.value; hooks.changed(); });
      return h('div', { className: 'field', 'data-path': path }, label, area, help, msg);
    }
    case 'number': {
      const input = h('input', { id, type: 'text', inputmode: f.integer ? 'numeric' : 'decimal', 'aria-describedby': describedBy, autocomplete: 'off' });
      input.value = str(values[f.key]);
      input.addEventListener('input', () => { values[f.key] = input.value; hooks.changed(); });
      return h('div', { className: 'field narrow', 'data-path': path }, label, input, help, msg);
    }
    case 'text':
      return textField(f, values, path, { id, label, help, msg, describedBy }, hooks);
    case 'const':
      return h('span');
  }
}

function textField(
  f: Extract<FormField, { kind: 'text' }>, values: FormValues, path: string,
  el: { id: string; label: HTMLElement; help: HTMLElement | null; msg: HTMLElement; describedBy: string }, hooks: FieldHooks,
): HTMLElement {
  const common = { id: el.id, 'aria-describedby': el.describedBy, 'aria-required': String(f.required), autocomplete: 'off' };
  if (f.format === 'id') {
    const input = h('input', { ...common, type: 'text', readonly: true, className: 'mono' });
    input.value = str(values[f.key]);
    const regen = h('button', { type: 'button', className: 'secondary', id: `${el.id}-regen` }, 'Regenerate');
    regen.addEventListener('click', hooks.regenerateId);
    return h('div', { className: 'field', 'data-path': path }, el.label, h('div', { className: 'inline' }, input, regen), el.help, el.msg);
  }
  if (f.format === 'date-time') {
    const input = h('input', { ...common, type: 'datetime-local' });
    const iso = h('div', { className: 'muted small', id: `${el.id}-iso` });
    const raw = str(values[f.key]);
    input.value = toLocalInput(raw);
    iso.textContent = raw ? `stored as ${raw}` : '';
    input.addEventListener('input', () => {
      const d = input.value ? new Date(input.value) : undefined;
      values[f.key] = d && !Number.isNaN(d.getTime()) ? d.toISOString().replace('.000Z', 'Z') : '';
      iso.textContent = values[f.key] ? `stored as ${str(values[f.key])}` : '';
      hooks.changed();
    });
    return h('div', { className: 'field', 'data-path': path }, el.label, input, iso, el.help, el.msg);
  }
  const input = f.multiline
    ? h('textarea', { ...common, rows: 3 })
    : h('input', { ...common, type: f.format === 'email' ? 'email' : 'text', ...(f.maxLength ? { maxlength: f.maxLength } : {}) });
  input.value = str(values[f.key]);
  input.addEventListener('input', () => { values[f.key] = input.value; markRequired(input, f); hooks.changed(); });
  return h('div', { className: 'field', 'data-path': path }, el.label, input, el.help, el.msg);
}

/** Instant feedback for required fields only; everything else waits for the host's (the CLI's) message. */
function markRequired(input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, f: FormField): void {
  if (!f.required) return;
  const msg = document.getElementById(`${input.id}-msg`);
  if (input.value.trim() === '') {
    input.setAttribute('aria-invalid', 'true');
    if (msg && !msg.textContent) msg.textContent = 'required';
  }
}

/** ISO with offset → the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in local time. */
function toLocalInput(iso: string): string {
  const d = iso ? new Date(iso) : undefined;
  if (!d || Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function singular(label: string): string {
  return label.toLowerCase().replace(/s$/, '');
}

function str(v: FormValues[string] | undefined): string {
  return typeof v === 'string' ? v : '';
}

function group(values: FormValues, key: string): FormValues {
  const v = values[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  const fresh: Record<string, string> = {};
  values[key] = fresh;
  return fresh;
}

function rowsOf(values: FormValues, key: string): Array<Record<string, string>> {
  const v = values[key];
  if (Array.isArray(v)) return v;
  const fresh: Array<Record<string, string>> = [];
  values[key] = fresh;
  return fresh;
}
