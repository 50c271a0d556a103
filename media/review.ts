/**
 * Commit review page: what the agent wants to commit, flagged by rule, and the supervisor's
 * answer. The host sends the model (secrets already masked); this page only draws and asks.
 */
import type { ReviewHostMessage, ReviewModel, ReviewStatus, FileView } from '../src/vscode/webview/protocol/review';
import { h, vscodeApi } from './common/dom';
import { diffTable, type DiffView } from './review/diffTable';

interface PageState {
  view: DiffView;
  /** `path#gap` → expanded. */
  expanded: Record<string, boolean>;
  /** Files the supervisor folded away. */
  folded: Record<string, boolean>;
  note: string;
  reason: string;
}

const vscode = vscodeApi<PageState>();
let state: PageState = { view: 'unified', expanded: {}, folded: {}, note: '', reason: '', ...vscode.getState() };
let model: ReviewModel | undefined;
let status: ReviewStatus = { state: 'pending' };
let loading = false;
let error: string | undefined;
const root = document.getElementById('root')!;

function save(patch: Partial<PageState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

window.addEventListener('message', (e: MessageEvent<ReviewHostMessage>) => {
  const m = e.data;
  if (m.type === 'model') {
    model = m.model;
    status = m.status;
    loading = false;
    error = undefined;
  } else if (m.type === 'status') {
    status = m.status;
  } else if (m.type === 'loading') {
    loading = true;
  } else if (m.type === 'error') {
    loading = false;
    error = m.message;
  }
  render();
});

function render(): void {
  const focusedId = document.activeElement?.id;
  root.replaceChildren(...page());
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function page(): Node[] {
  const out: Node[] = [];
  if (error) out.push(h('div', { className: 'banner error', role: 'alert' }, error));
  if (!model) {
    out.push(h('p', { className: 'muted', role: 'status', text: loading || !error ? 'Reading the staged diff…' : '' }));
    return out;
  }
  const m = model;
  out.push(h('header', { className: 'head' },
    h('h1', {}, m.message ? m.message.split('\n')[0] : 'Commit (message not known yet)'),
    m.message && m.message.includes('\n') ? h('pre', { className: 'message', text: m.message.split('\n').slice(1).join('\n').trim() }) : null,
    h('p', { className: 'muted' },
      `tree ${m.tree.slice(0, 12)} · asked ${new Date(m.requestedAt).toLocaleTimeString()} · `,
      h('span', { className: 'stat' }, `${m.totals.files} file${m.totals.files === 1 ? '' : 's'}, `),
      h('span', { className: 'add' }, `+${m.totals.added}`), ' ',
      h('span', { className: 'del' }, `−${m.totals.removed}`),
      m.totals.flagged ? h('span', { className: 'flagged' }, ` · ${m.totals.flagged} flagged`) : null)));
  if (m.staleReason) {
    const refresh = h('button', { id: 'refresh', type: 'button', className: 'secondary' }, 'Re-check the index');
    refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
    out.push(h('div', { className: 'banner warn', role: 'alert' }, h('strong', {}, 'Index changed. '), m.staleReason, ' ', refresh));
  }
  out.push(toolbar(), fileIndex(m.files));
  for (const f of m.files) out.push(fileSection(f));
  out.push(decisions(m), actions(m));
  return out;
}

function toolbar(): HTMLElement {
  const group = h('div', { className: 'toolbar', role: 'radiogroup', 'aria-label': 'Diff view' });
  for (const [view, label] of [['unified', 'Unified'], ['split', 'Side by side']] as const) {
    const b = h('button', { id: `view-${view}`, type: 'button', role: 'radio', 'aria-checked': String(state.view === view), className: state.view === view ? '' : 'secondary' }, label);
    b.addEventListener('click', () => { save({ view }); render(); });
    group.append(b);
  }
  return group;
}

function fileIndex(files: FileView[]): HTMLElement {
  const list = h('ul', { className: 'file-index', 'aria-label': 'Staged files' });
  files.forEach((f, i) => {
    const link = h('a', { href: `#file-${i}` }, f.path);
    list.append(h('li', {}, h('span', { className: `status s-${f.status}`, title: statusName(f.status), text: f.status }), ' ', link,
      ' ', h('span', { className: 'add', text: `+${f.added}` }), ' ', h('span', { className: 'del', text: `−${f.removed}` }),
      ...f.flags.map((fl) => h('span', { className: `badge flag f-${fl.kind}`, title: fl.message, text: flagLabel(fl.kind) }))));
  });
  return list;
}

function fileSection(f: FileView): HTMLElement {
  const index = model!.files.indexOf(f);
  const details = h('details', { className: 'file', id: `file-${index}`, open: !state.folded[f.path] });
  details.addEventListener('toggle', () => save({ folded: { ...state.folded, [f.path]: !details.open } }));
  details.append(h('summary', {},
    h('span', { className: `status s-${f.status}`, text: f.status }), ' ', h('code', {}, f.path), ' ',
    h('span', { className: 'add', text: `+${f.added}` }), ' ', h('span', { className: 'del', text: `−${f.removed}` })));
  if (f.flags.length) {
    details.append(h('ul', { className: 'flags', 'aria-label': `Flags for ${f.path}` },
      ...f.flags.map((fl) => h('li', { className: `f-${fl.kind}` }, h('span', { className: `badge flag f-${fl.kind}`, text: flagLabel(fl.kind) }), ' ', h('code', {}, fl.rule), ' — ', fl.message))));
  }
  const key = (gap: number): string => `${f.path}#${gap}`;
  details.append(h('div', { className: 'diff-wrap' }, diffTable(f, {
    view: state.view,
    isExpanded: (gap) => state.expanded[key(gap)] === true,
    toggleGap: (gap) => { save({ expanded: { ...state.expanded, [key(gap)]: !state.expanded[key(gap)] } }); render(); },
  })));
  return details;
}

function decisions(m: ReviewModel): HTMLElement {
  const title = m.decisionsSince ? `Decisions since the previous commit (${new Date(m.decisionsSince).toLocaleTimeString()})` : 'Decisions in this session';
  const section = h('section', { className: 'decisions', 'aria-label': title }, h('h2', {}, title));
  if (m.decisions.length === 0) {
    section.append(h('p', { className: 'muted', text: 'No tool calls were decided in this period.' }));
    return section;
  }
  section.append(h('ol', {}, ...m.decisions.map((d) => h('li', {},
    h('span', { className: `badge d-${d.decision}`, text: d.decision }), ' ', h('code', {}, d.tool), ' ', d.summary,
    d.rule ? h('span', { className: 'muted', text: ` (${d.rule})` }) : null))));
  return section;
}

function actions(m: ReviewModel): HTMLElement {
  const section = h('section', { className: 'actions', 'aria-label': 'Your answer' }, h('h2', {}, 'Your answer'));
  const live = h('div', { id: 'outcome', role: 'status', 'aria-live': 'polite' });
  section.append(live);
  if (status.state === 'answered') {
    live.append(h('p', { className: status.outcome === 'acknowledged' ? 'd-allow' : 'd-deny' },
      status.outcome === 'acknowledged' ? `Acknowledged by ${status.by}. The commit goes ahead.` : `Changes requested by ${status.by}. The agent's commit fails with your reason.`,
      status.text ? h('span', { className: 'muted', text: ` “${status.text}”` }) : null));
    return section;
  }
  if (status.state === 'gone') {
    live.append(h('p', { className: 'muted', text: status.message }));
    return section;
  }
  const note = h('textarea', { id: 'note', rows: 2, maxlength: 2000, placeholder: 'Optional note (recorded in the trace)' });
  note.value = state.note;
  note.addEventListener('input', () => save({ note: note.value }));
  const ack = h('button', { id: 'acknowledge', type: 'button', disabled: Boolean(m.staleReason), title: m.staleReason ?? `Acknowledge as ${m.supervisor}` }, 'Acknowledge');
  const sendAck = (): void => {
    if (m.staleReason) return;
    vscode.postMessage({ type: 'acknowledge', approvalId: m.approvalId, ...(state.note.trim() ? { note: state.note } : {}) });
  };
  ack.addEventListener('click', sendAck);
  keys(note, sendAck);

  const reason = h('textarea', { id: 'reason', rows: 3, maxlength: 2000, 'aria-required': 'true', 'aria-describedby': 'reason-hint', placeholder: 'What should the agent change? (required, sent to the agent)' });
  reason.value = state.reason;
  const hint = h('p', { id: 'reason-hint', className: 'muted', text: 'Required: the agent reads it in the failing pre-commit hook.' });
  const request = h('button', { id: 'request-changes', type: 'button', className: 'secondary' }, 'Request changes');
  const sendRequest = (): void => {
    if (!state.reason.trim()) {
      hint.className = 'error';
      hint.textContent = 'A reason is required: it goes back to the agent.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    vscode.postMessage({ type: 'requestChanges', approvalId: m.approvalId, reason: state.reason });
  };
  reason.addEventListener('input', () => { save({ reason: reason.value }); reason.removeAttribute('aria-invalid'); });
  request.addEventListener('click', sendRequest);
  keys(reason, sendRequest);

  section.append(
    h('div', { className: 'answer' }, h('label', { for: 'note' }, `Acknowledge as ${m.supervisor}`), note, h('div', {}, ack, h('span', { className: 'muted', text: ' Ctrl+Enter' }))),
    h('div', { className: 'answer' }, h('label', { for: 'reason' }, 'Request changes'), reason, hint, h('div', {}, request)),
  );
  return section;
}

/** Ctrl/Cmd+Enter sends, Escape leaves the text area. */
function keys(area: HTMLTextAreaElement, send: () => void): void {
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    if (e.key === 'Escape') area.blur();
  });
}

function flagLabel(kind: FileView['flags'][number]['kind']): string {
  return { protected: 'protected', 'outside-scope': 'outside scope', denied: 'denied path', secret: 'secret' }[kind];
}

function statusName(s: string): string {
  return ({ A: 'added', M: 'modified', D: 'deleted', T: 'type changed', U: 'unmerged' } as Record<string, string>)[s] ?? s;
}

render();
vscode.postMessage({ type: 'ready' });
