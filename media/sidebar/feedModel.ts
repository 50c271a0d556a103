/**
 * The decision feed's data: every decision of the session (chronological, capped) and the
 * filtered view of it, newest first by display index. Pure; the view only asks `at(i)`.
 */
import type { DecisionFilter, DecisionView } from '../../src/vscode/webview/protocol/sidebar';

interface Entry {
  d: DecisionView;
  /** Lower-cased text the filter searches. */
  hay: string;
}

export class FeedModel {
  private all: Entry[] = [];
  private shown: Entry[] = [];
  private sessionId: string | undefined;
  private lastSeq = -Infinity;
  private filter: DecisionFilter;
  private needle = '';

  constructor(private readonly capacity: number, filter: DecisionFilter) {
    this.filter = filter;
    this.needle = filter.text.trim().toLowerCase();
  }

  get session(): string | undefined {
    return this.sessionId;
  }

  /** Rows after filtering. */
  get count(): number {
    return this.shown.length;
  }

  get total(): number {
    return this.all.length;
  }

  get currentFilter(): DecisionFilter {
    return this.filter;
  }

  /** Row `index` of the display, 0 = newest. */
  at(index: number): DecisionView | undefined {
    return this.shown[this.shown.length - 1 - index]?.d;
  }

  reset(sessionId: string | undefined, items: readonly DecisionView[]): void {
    this.sessionId = sessionId;
    this.all = [];
    this.shown = [];
    this.lastSeq = -Infinity;
    this.append(sessionId, items);
  }

  /** Appends a batch; returns how many rows became visible (for scroll anchoring). Ignores other sessions and replays. */
  append(sessionId: string | undefined, items: readonly DecisionView[]): number {
    if (sessionId !== this.sessionId) return 0;
    let added = 0;
    for (const d of items) {
      if (d.seq <= this.lastSeq) continue;
      this.lastSeq = d.seq;
      const e: Entry = { d, hay: haystack(d) };
      this.all.push(e);
      if (this.matches(e)) {
        this.shown.push(e);
        added++;
      }
    }
    this.trim();
    return added;
  }

  setFilter(filter: DecisionFilter): void {
    this.filter = filter;
    this.needle = filter.text.trim().toLowerCase();
    this.shown = this.all.filter((e) => this.matches(e));
  }

  private matches(e: Entry): boolean {
    if (!this.filter[e.d.decision]) return false;
    return this.needle === '' || e.hay.includes(this.needle);
  }

  private trim(): void {
    const over = this.all.length - this.capacity;
    if (over <= 0) return;
    this.all.splice(0, over);
    const oldest = this.all[0]?.d.seq ?? Infinity;
    let drop = 0;
    while (drop < this.shown.length && this.shown[drop]!.d.seq < oldest) drop++;
    if (drop) this.shown.splice(0, drop);
  }
}

function haystack(d: DecisionView): string {
  return [d.decision, d.tool, d.summary, d.rule?.rule ?? '', d.rule?.message ?? '', d.agentId ?? ''].join('\n').toLowerCase();
}
