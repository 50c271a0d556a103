/**
 * Pending approvals as cards, keyed by id: a card is built once and kept while its approval is
 * pending, so focus and a half-typed deny reason survive every state update. New approvals are
 * announced through the polite live region.
 */
import type { ApprovalView, RuleView } from '../../src/vscode/webview/protocol/sidebar';
import { MAX_REASON_CHARS } from '../../src/vscode/webview/protocol/sidebar';
import { append, button, h, icon } from './dom';
import { clock, shortFile } from './format';
import { pageState, send, updatePageState } from './vscodeApi';

const MAX_FILES_SHOWN = 30;

export class Approvals {
  readonly root = h('section', { class: 'approvals', 'aria-labelledby': 'approvals-title' });
  private readonly heading = h('h3', { id: 'approvals-title' });
  private readonly list = h('div', { class: 'cards' });
  private readonly cards = new Map<string, HTMLElement>();
  private first = true;

  constructor(private readonly announce: (text: string) => void) {
    this.root.append(this.heading, this.list);
  }

  update(approvals: readonly ApprovalView[]): void {
    this.root.hidden = approvals.length === 0;
    this.heading.textContent = `Waiting for you (${approvals.length})`;
    const ids = new Set(approvals.map((a) => a.id));
    for (const [id, card] of this.cards) {
      if (ids.has(id)) continue;
      const hadFocus = card.contains(document.activeElement);
      card.remove();
      this.cards.delete(id);
      this.forgetDraft(id);
      if (hadFocus) (this.list.querySelector<HTMLElement>('.card') ?? this.root).focus();
    }
    const fresh: ApprovalView[] = [];
    for (const a of approvals) {
      if (this.cards.has(a.id)) continue;
      const card = this.card(a);
      this.cards.set(a.id, card);
      this.list.append(card);
      fresh.push(a);
    }
    if (this.first) {
      if (approvals.length) this.announce(`${approvals.length} approval${approvals.length === 1 ? '' : 's'} waiting`);
    } else {
      for (const a of fresh) this.announce(a.kind === 'commit' ? `Commit waiting for acknowledgement: ${a.summary}` : `Approval needed: ${a.tool}: ${a.summary}`);
    }
    this.first = false;
  }

  /** An answer was refused (e.g. already answered elsewhere): let the supervisor try again. */
  enableAll(): void {
    for (const card of this.cards.values()) {
      card.classList.remove('busy');
      for (const b of card.querySelectorAll('button')) b.disabled = false;
    }
  }

  private card(a: ApprovalView): HTMLElement {
    const titleId = `ap-title-${a.id}`;
    const isCommit = a.kind === 'commit';
    const card = h('article', { class: `card card-${a.kind}`, tabindex: '-1', 'aria-labelledby': titleId, 'data-id': a.id });
    const answer = (choice: 'allow-once' | 'allow-session' | 'deny', reason?: string): void => {
      card.classList.add('busy');
      for (const b of card.querySelectorAll('button')) b.disabled = true;
      send({ type: 'answerApproval', approvalId: a.id, answer: choice, ...(reason !== undefined ? { reason } : {}) });
    };

    const reasonId = `ap-reason-${a.id}`;
    const reasonInput = h('input', {
      type: 'text', id: reasonId, maxlength: MAX_REASON_CHARS, required: true,
      placeholder: isCommit ? 'what should change?' : 'why? (the agent reads this)',
    });
    reasonInput.value = pageState().drafts?.[a.id] ?? '';
    const denyForm = h('form', { class: 'deny-form', hidden: true },
      h('label', { for: reasonId }, isCommit ? 'Changes requested' : 'Reason for deny'),
      reasonInput,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'danger' }, icon('circle-slash'), isCommit ? ' Send request' : ' Send deny'),
        button('Cancel', undefined, () => { denyForm.hidden = true; denyButton.focus(); }, 'secondary')));
    denyForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = reasonInput.value.trim();
      if (!reason) {
        reasonInput.setAttribute('aria-invalid', 'true');
        reasonInput.focus();
        return;
      }
      answer('deny', reason);
    });
    reasonInput.addEventListener('input', () => {
      reasonInput.removeAttribute('aria-invalid');
      updatePageState({ drafts: { ...pageState().drafts, [a.id]: reasonInput.value } });
    });
    reasonInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { denyForm.hidden = true; denyButton.focus(); }
    });
    const denyButton = button(isCommit ? 'Request changes…' : 'Deny…', isCommit ? 'comment' : 'circle-slash', () => {
      denyForm.hidden = false;
      reasonInput.focus();
    }, 'secondary');
    if (reasonInput.value) denyForm.hidden = false;

    const actions = isCommit
      ? [button('Review diff', 'diff', () => send({ type: 'reviewCommit', approvalId: a.id })),
        button('Acknowledge', 'check', () => answer('allow-once'), 'secondary'), denyButton]
      : [button('Allow once', 'check', () => answer('allow-once')),
        button('Allow for session', 'check-all', () => answer('allow-session'), 'secondary'), denyButton];

    append(card, [
      h('header', { class: 'card-head' },
        icon(isCommit ? 'git-commit' : 'shield', 'd-ask'), ' ',
        h('strong', { id: titleId }, isCommit ? 'Commit' : a.tool),
        a.agentId ? h('span', { class: 'badge', title: 'subagent' }, a.agentId) : null,
        h('time', { class: 'muted', datetime: a.requestedAt }, clock(a.requestedAt))),
      h('div', { class: 'summary mono' }, a.summary),
      isCommit ? fileList(a) : null,
      ...a.rules.slice(0, 2).map(ruleLine),
      h('div', { class: 'buttons' }, ...actions),
      denyForm,
    ]);
    return card;
  }

  private forgetDraft(id: string): void {
    const drafts = { ...pageState().drafts };
    if (!(id in drafts)) return;
    delete drafts[id];
    updatePageState({ drafts });
  }
}

function fileList(a: ApprovalView): HTMLElement | null {
  const files = a.files ?? [];
  if (!files.length) return null;
  const shown = files.slice(0, MAX_FILES_SHOWN);
  return h('ul', { class: 'files', 'aria-label': `${files.length} staged file(s)` },
    ...shown.map((f) => h('li', { class: 'mono' }, h('span', { class: `file-status status-${f.status.charAt(0).toLowerCase()}` }, f.status), ' ', f.path)),
    files.length > shown.length ? h('li', { class: 'muted' }, `+${files.length - shown.length} more (Review diff shows all)`) : null);
}

/** "asked by `rule` (layer, file:line)": a link to the rule when it has a place in a file. */
export function ruleLine(r: RuleView): HTMLElement {
  return h('div', { class: 'rule' },
    h('span', { class: 'muted' }, 'rule '), ruleLink(r),
    h('div', { class: 'rule-message' }, r.message));
}

export function ruleLink(r: RuleView): HTMLElement {
  const label = `${r.rule}${r.file && r.line ? ` · ${shortFile(r.file)}:${r.line}` : ` · ${r.layer}`}`;
  if (!r.file || !r.line) return h('code', { class: 'rule-id' }, label);
  const file = r.file;
  const line = r.line;
  return h('button', {
    type: 'button', class: 'link rule-id', title: `Open ${file}:${line}`,
    onclick: () => send({ type: 'openRule', file, line }),
  }, label);
}
