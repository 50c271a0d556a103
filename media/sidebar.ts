/**
 * The supervisor's sidebar page. Plain DOM, no framework. It asks the host for a full snapshot
 * when it loads (`ready`) — the view is not retained when hidden — and keeps only UI state
 * (filters, scroll, drafts) in `setState`.
 */
import type { HostMessage, StateView } from '../src/vscode/webview/protocol/sidebar';
import { Approvals } from './sidebar/approvals';
import { h } from './sidebar/dom';
import { EmptyState } from './sidebar/emptyState';
import { FeedView } from './sidebar/feedView';
import { Header } from './sidebar/header';
import { send } from './sidebar/vscodeApi';

const TOAST_MS = 6000;

const root = document.getElementById('root') ?? document.body;
const live = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'false' });
const toast = h('div', { class: 'toast', role: 'status', hidden: true });
const header = new Header();
const empty = new EmptyState();
const approvals = new Approvals((text) => announce(text));
const feed = new FeedView();
const top = h('div', { class: 'top' }, header.root, empty.root, approvals.root);
root.append(top, feed.root, toast, live);

let toastTimer: ReturnType<typeof setTimeout> | undefined;

function announce(text: string): void {
  // A fresh node per announcement, so the same text twice is read twice.
  const node = h('div', {}, text);
  live.append(node);
  setTimeout(() => node.remove(), 10_000);
}

function showToast(level: 'info' | 'error', message: string): void {
  toast.textContent = message;
  toast.className = `toast toast-${level}`;
  toast.setAttribute('role', level === 'error' ? 'alert' : 'status');
  toast.hidden = false;
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, TOAST_MS);
}

function applyState(s: StateView): void {
  header.update(s.session);
  empty.update(s);
  approvals.update(s.approvals);
  feed.root.hidden = s.session === null;
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  switch (m?.type) {
    case 'snapshot':
      applyState(m.state);
      feed.reset(m.state.session?.sessionId, m.decisions, m.filter);
      break;
    case 'state':
      applyState(m.state);
      break;
    case 'decisions':
      feed.append(m.sessionId, m.items);
      break;
    case 'toast':
      showToast(m.level, m.message);
      if (m.level === 'error' || m.level === 'info') approvals.enableAll();
      break;
  }
});

send({ type: 'ready' });
