/**
 * The live decision feed: filters and a virtualised list (fixed row height, only the rows in
 * view are in the DOM, recycled). Appends are coalesced to one render per animation frame, so
 * 50 decisions a second over 10,000 rows stays smooth. Newest first; when scrolled down, the
 * rows being read stay put while new ones arrive above.
 */
import type { DecisionFilter, DecisionView } from '../../src/vscode/webview/protocol/sidebar';
import { FEED_CAPACITY, MAX_FILTER_CHARS } from '../../src/vscode/webview/protocol/sidebar';
import { h, icon } from './dom';
import { FeedModel } from './feedModel';
import { clock, shortFile } from './format';
import { anchoredScrollTop, computeWindow } from './virtualList';
import { pageState, send, updatePageState } from './vscodeApi';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
const FILTER_DEBOUNCE_MS = 250;

const VERDICT_ICON: Record<DecisionView['decision'], string> = { allow: 'pass', ask: 'question', deny: 'circle-slash' };

interface Row {
  el: HTMLElement;
  icon: HTMLElement;
  time: HTMLElement;
  tool: HTMLElement;
  summary: HTMLElement;
  rule: HTMLButtonElement;
  item?: DecisionView;
}

export class FeedView {
  readonly root = h('section', { class: 'feed', 'aria-labelledby': 'feed-title' });
  private readonly model: FeedModel;
  private readonly viewport = h('div', { class: 'viewport', tabindex: '0', role: 'list', 'aria-label': 'Decisions, newest first' });
  private readonly spacer = h('div', { class: 'spacer' });
  private readonly countLabel = h('span', { class: 'muted', 'aria-live': 'off' });
  private readonly empty = h('div', { class: 'feed-empty muted' }, 'No decisions yet.');
  private readonly checks: Record<DecisionView['decision'], HTMLInputElement>;
  private readonly text: HTMLInputElement;
  private readonly rows: Row[] = [];
  private frame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const initial = pageState().filter ?? { allow: true, ask: true, deny: true, text: '' };
    this.model = new FeedModel(FEED_CAPACITY, initial);
    const check = (d: DecisionView['decision']): HTMLInputElement => {
      const input = h('input', { type: 'checkbox', id: `f-${d}` });
      input.checked = initial[d];
      input.addEventListener('change', () => this.filterChanged(true));
      return input;
    };
    this.checks = { allow: check('allow'), ask: check('ask'), deny: check('deny') };
    this.text = h('input', { type: 'search', id: 'f-text', maxlength: MAX_FILTER_CHARS, placeholder: 'filter: tool, command, path, rule' });
    this.text.value = initial.text;
    this.text.addEventListener('input', () => this.filterChanged(false));

    const label = (d: DecisionView['decision']): HTMLElement =>
      h('label', { for: `f-${d}`, class: `check d-${d}` }, this.checks[d], ' ', icon(VERDICT_ICON[d]), ` ${d}`);
    this.root.append(
      h('div', { class: 'feed-head' }, h('h3', { id: 'feed-title' }, 'Decisions'), this.countLabel),
      h('div', { class: 'filters', role: 'group', 'aria-label': 'Filter decisions' },
        label('allow'), label('ask'), label('deny'),
        h('label', { for: 'f-text', class: 'sr-only' }, 'Filter text'), this.text),
      this.viewport,
    );
    this.viewport.append(this.spacer, this.empty);
    this.viewport.addEventListener('scroll', () => {
      this.schedule();
      updatePageState({ scrollTop: this.viewport.scrollTop });
    }, { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  get filter(): DecisionFilter {
    return this.model.currentFilter;
  }

  reset(sessionId: string | undefined, items: readonly DecisionView[], hostFilter: DecisionFilter): void {
    // The page's own (newer) filter wins over the host's stored one.
    const filter = pageState().filter ?? hostFilter;
    this.applyFilterToInputs(filter);
    this.model.setFilter(filter);
    this.model.reset(sessionId, items);
    this.render();
    this.viewport.scrollTop = pageState().scrollTop ?? 0;
    this.schedule();
  }

  append(sessionId: string, items: readonly DecisionView[]): void {
    const added = this.model.append(sessionId, items);
    if (!added) return this.updateCount();
    // Grow the scroll range first, or the browser clamps the anchored scrollTop.
    this.spacer.style.height = `${this.model.count * ROW_HEIGHT}px`;
    this.viewport.scrollTop = anchoredScrollTop(this.viewport.scrollTop, added, ROW_HEIGHT);
    this.schedule();
  }

  private filterChanged(immediate: boolean): void {
    const filter: DecisionFilter = {
      allow: this.checks.allow.checked, ask: this.checks.ask.checked, deny: this.checks.deny.checked,
      text: this.text.value.slice(0, MAX_FILTER_CHARS),
    };
    this.model.setFilter(filter);
    updatePageState({ filter });
    this.viewport.scrollTop = 0;
    this.schedule();
    if (this.filterTimer) clearTimeout(this.filterTimer);
    const post = (): void => send({ type: 'setFilter', filter });
    if (immediate) post();
    else this.filterTimer = setTimeout(post, FILTER_DEBOUNCE_MS);
  }

  private applyFilterToInputs(f: DecisionFilter): void {
    this.checks.allow.checked = f.allow;
    this.checks.ask.checked = f.ask;
    this.checks.deny.checked = f.deny;
    if (document.activeElement !== this.text) this.text.value = f.text;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private updateCount(): void {
    const shown = this.model.count;
    const total = this.model.total;
    this.countLabel.textContent = shown === total ? `${total}` : `${shown} of ${total}`;
    this.empty.hidden = shown > 0;
    this.empty.textContent = total === 0 ? 'No decisions yet.' : 'No decision matches the filter.';
  }

  private render(): void {
    this.updateCount();
    const w = computeWindow({
      scrollTop: this.viewport.scrollTop,
      viewportHeight: this.viewport.clientHeight,
      rowHeight: ROW_HEIGHT,
      count: this.model.count,
      overscan: OVERSCAN,
    });
    this.spacer.style.height = `${w.totalHeight}px`;
    const needed = w.end - w.start;
    while (this.rows.length < needed) this.rows.push(this.createRow());
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      const index = w.start + i;
      const item = i < needed ? this.model.at(index) : undefined;
      if (!item) {
        row.el.hidden = true;
        row.item = undefined;
        continue;
      }
      row.el.hidden = false;
      row.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      row.el.setAttribute('aria-posinset', String(index + 1));
      row.el.setAttribute('aria-setsize', String(this.model.count));
      if (row.item !== item) this.fill(row, item);
    }
  }

  private createRow(): Row {
    const row: Row = {
      el: h('div', { class: 'row', role: 'listitem' }),
      icon: h('span', { 'aria-hidden': 'true' }),
      time: h('span', { class: 'time muted' }),
      tool: h('span', { class: 'tool' }),
      summary: h('span', { class: 'summary mono' }),
      rule: h('button', { type: 'button', class: 'link rule-id' }),
    };
    row.rule.addEventListener('click', () => {
      const r = row.item?.rule;
      if (r?.file && r.line) send({ type: 'openRule', file: r.file, line: r.line });
    });
    row.el.append(row.icon, row.time, row.tool, row.summary, row.rule);
    this.viewport.append(row.el);
    return row;
  }

  private fill(row: Row, d: DecisionView): void {
    row.item = d;
    row.el.className = `row d-${d.decision}`;
    row.icon.className = `codicon codicon-${VERDICT_ICON[d.decision]}`;
    row.time.textContent = clock(d.ts);
    row.tool.textContent = d.agentId ? `${d.tool}·${d.agentId.slice(0, 6)}` : d.tool;
    row.summary.textContent = d.summary;
    const r = d.rule;
    const linked = Boolean(r?.file && r.line);
    row.rule.textContent = r ? r.rule : '';
    row.rule.hidden = !r;
    row.rule.disabled = !linked;
    row.rule.title = r ? `${r.message}${linked ? ` — open ${shortFile(r.file!)}:${r.line}` : ` (${r.layer})`}` : '';
    row.el.title = `${d.decision} · ${d.tool} · ${d.summary}${r ? `\n${r.rule}: ${r.message}` : ''}`;
    row.el.setAttribute('aria-label', `${d.decision}, ${clock(d.ts)}, ${d.tool}: ${d.summary}${r ? `, rule ${r.rule}: ${r.message}` : ''}`);
  }
}
