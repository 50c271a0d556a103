/**
 * Mission form page. The fields come from the host (generated from the mission schema); the
 * host validates with the CLI's loader as you type and renders the YAML preview. This page
 * only edits values, shows messages where they belong, and asks to save.
 */
import type { FormField, FormValues, MissionFormHostMessage, Problem } from '../src/vscode/webview/protocol/missionForm';
import { h, vscodeApi } from './common/dom';
import { domId, renderFields } from './missionForm/fields';

interface PageState {
  fields: FormField[];
  values: FormValues;
  fileLabel?: string;
  saved?: string;
  previewOpen: boolean;
}

const vscode = vscodeApi<PageState>();
let state: PageState | undefined = vscode.getState();
let seq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let problems: Problem[] = [];
let notes: Problem[] = [];
let fileProblems: Problem[] = [];
let banner: { kind: 'error' | 'ok'; text: string } | undefined;
/** Key paths the user has edited; other fields show problems only after a save attempt (or when loaded from a file). */
const touched = new Set<string>();
let showAll = false;
const root = document.getElementById('root')!;

window.addEventListener('message', (e: MessageEvent<MissionFormHostMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      state = { fields: m.form.fields, values: m.form.values, fileLabel: m.form.fileLabel, previewOpen: state?.previewOpen ?? true };
      fileProblems = m.form.fileProblems ?? [];
      showAll = Boolean(m.form.file);
      persist();
      build();
      return;
    case 'validation': {
      if (m.seq < seq) return; // an answer to older values
      problems = m.problems;
      notes = m.notes;
      showMessages();
      const pre = document.getElementById('yaml');
      if (pre) pre.textContent = m.yaml;
      return;
    }
    case 'id':
      if (!state) return;
      state.values.id = m.id;
      persist();
      build();
      changed();
      return;
    case 'saved':
      if (!state) return;
      state.saved = m.fileLabel;
      state.fileLabel = m.fileLabel;
      banner = undefined;
      persist();
      build();
      document.getElementById('start-session')?.focus();
      return;
    case 'saveFailed':
      problems = m.problems.length ? m.problems : problems;
      banner = { kind: 'error', text: m.message };
      build();
      document.getElementById('banner')?.focus();
      return;
  }
});

function persist(): void {
  if (state) vscode.setState(state);
}

function changed(): void {
  if (!state) return;
  if (state.saved) {
    state.saved = undefined;
    build();
  }
  persist();
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => vscode.postMessage({ type: 'change', seq: ++seq, values: state!.values }), 250);
}

function build(): void {
  if (!state) {
    root.replaceChildren(h('p', { className: 'muted', role: 'status', text: 'Loading the mission form…' }));
    return;
  }
  const s = state;
  const focused = document.activeElement?.id;
  const form = h('form', { id: 'mission-form', novalidate: true, 'aria-label': 'Mission' });
  form.addEventListener('input', (e) => {
    const path = (e.target as HTMLElement).closest<HTMLElement>('[data-path]')?.dataset.path;
    if (path) touched.add(path);
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.activeElement instanceof HTMLElement) document.activeElement.blur();
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); }
  });
  form.append(...renderFields(s.fields, s.values, '', { changed, rebuild: build, regenerateId: () => vscode.postMessage({ type: 'regenerateId' }) }));
  const scope = form.querySelector('fieldset.g-scope');
  scope?.insertBefore(h('p', { className: 'note', text: 'A mission can only narrow the policy: globs outside the workspace policy\u2019s write scope, a looser mode or higher caps have no effect. Protected paths the agent should touch (with approval) must be in the mission\u2019s write scope.' }), scope.children[1] ?? null);
  form.append(h('div', { className: 'buttons' },
    h('button', { type: 'submit', id: 'save' }, 'Save mission'),
    h('span', { className: 'muted', text: ` writes .agentlane/missions/${typeof s.values.id === 'string' ? s.values.id : '…'}.yaml · Ctrl+Enter` })));

  const top: Node[] = [h('h1', {}, s.fileLabel ? `Mission · ${s.fileLabel}` : 'New mission')];
  if (fileProblems.length) {
    top.push(h('div', { className: 'banner warn', role: 'alert' }, 'The file had problems; the form loaded what it could:',
      h('ul', {}, ...fileProblems.map((p) => h('li', {}, p.path ? h('code', {}, p.path) : null, p.path ? ': ' : '', p.message, p.line ? ` (line ${p.line})` : '')))));
  }
  if (banner) top.push(h('div', { id: 'banner', tabindex: -1, className: `banner ${banner.kind === 'error' ? 'error' : 'ok'}`, role: 'alert', text: banner.text }));
  if (s.saved) {
    const start = h('button', { type: 'button', id: 'start-session' }, 'Start session with this mission');
    start.addEventListener('click', () => vscode.postMessage({ type: 'startSession' }));
    const open = h('button', { type: 'button', id: 'open-file', className: 'secondary' }, 'Open YAML');
    open.addEventListener('click', () => vscode.postMessage({ type: 'openFile' }));
    top.push(h('div', { className: 'banner ok', role: 'status' }, `Saved to ${s.saved}. `, start, ' ', open));
  }
  top.push(h('div', { id: 'general', className: 'msg', 'aria-live': 'polite' }));

  const preview = h('details', { className: 'preview', open: s.previewOpen }, h('summary', {}, 'YAML preview'),
    h('pre', { id: 'yaml', className: 'mono', tabindex: 0, 'aria-label': 'YAML preview' }));
  preview.addEventListener('toggle', () => { s.previewOpen = preview.open; persist(); });

  root.replaceChildren(...top, h('div', { className: 'layout' }, form, preview));
  showMessages();
  if (focused) document.getElementById(focused)?.focus();
}

/** Puts each problem (and each narrowing note) under the field its key path names. */
function showMessages(): void {
  for (const el of root.querySelectorAll<HTMLElement>('.msg[data-path]')) el.replaceChildren();
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const general: Node[] = [];
  const place = (p: Problem, kind: 'error' | 'warn'): void => {
    const slot = slotFor(p.path);
    const line = h('div', { className: kind === 'error' ? 'error' : 'warn' }, kind === 'warn' ? '⚠ ' : '', p.message);
    if (slot) {
      slot.append(line);
      if (kind === 'error') document.getElementById(slot.id.replace(/-msg$/, ''))?.setAttribute('aria-invalid', 'true');
    } else {
      general.push(h('div', { className: kind === 'error' ? 'error' : 'warn' }, p.path ? h('code', {}, p.path) : null, p.path ? ': ' : '', p.message));
    }
  };
  const visible = (p: Problem): boolean => showAll || [...touched].some((t) => p.path === t || p.path.startsWith(`${t}.`) || p.path.startsWith(`${t}[`) || t.startsWith(`${p.path}[`) || t.startsWith(`${p.path}.`));
  for (const p of problems) if (visible(p)) place(p, 'error');
  for (const n of notes) place(n, 'warn');
  document.getElementById('general')?.replaceChildren(...general);
  const save = document.getElementById('save') as HTMLButtonElement | null;
  if (save) save.title = problems.length ? `${problems.length} problem(s) to fix before saving` : 'Save the mission';
}

/** The slot of the key path, or of the nearest parent that has one (`scope.write[1]` → `scope.write`). */
function slotFor(path: string): HTMLElement | undefined {
  let p = path;
  while (p) {
    const el = document.getElementById(`${domId(p)}-msg`);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return undefined;
}

function save(): void {
  if (!state) return;
  if (timer) clearTimeout(timer);
  showAll = true;
  showMessages();
  vscode.postMessage({ type: 'save', values: state.values });
}

build();
vscode.postMessage({ type: 'ready' });
