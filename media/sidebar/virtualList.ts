/**
 * Window computation for a fixed-row-height virtual list: which rows to put in the DOM for a
 * scroll position. Pure, so the arithmetic is tested without a browser.
 */
export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no gaps. */
  overscan: number;
}

export interface ListWindow {
  /** First row index in the DOM (inclusive). */
  start: number;
  /** Last row index in the DOM (exclusive). */
  end: number;
  /** Height of the whole list, for the spacer that gives the scrollbar its size. */
  totalHeight: number;
}

export function computeWindow(i: WindowInput): ListWindow {
  const rowHeight = i.rowHeight > 0 ? i.rowHeight : 1;
  const count = Math.max(0, Math.floor(i.count));
  const totalHeight = count * rowHeight;
  if (count === 0) return { start: 0, end: 0, totalHeight };
  const viewport = Math.max(0, i.viewportHeight);
  // The browser may report a scrollTop past the end while the list shrinks: clamp it.
  const maxScroll = Math.max(0, totalHeight - viewport);
  const scrollTop = Math.min(Math.max(0, i.scrollTop), maxScroll);
  const overscan = Math.max(0, Math.floor(i.overscan));
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil((scrollTop + viewport) / rowHeight) - first;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.max(visible, 1) + overscan);
  return { start, end, totalHeight };
}

/**
 * Where to scroll so the rows under the viewport stay put after `added` rows were inserted
 * above them (newest-first feed). At the very top the list follows the newest rows instead.
 */
export function anchoredScrollTop(scrollTop: number, added: number, rowHeight: number): number {
  if (scrollTop <= 0 || added <= 0) return scrollTop;
  return scrollTop + added * rowHeight;
}
