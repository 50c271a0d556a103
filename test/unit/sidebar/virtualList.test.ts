/** Only the rows in view (plus overscan) are in the DOM, whatever the list length or scroll. */
import { strict as assert } from 'node:assert';
import { anchoredScrollTop, computeWindow } from '../../../media/sidebar/virtualList';

const base = { rowHeight: 22, viewportHeight: 220, overscan: 5 };

describe('virtual list window', () => {
  it('renders nothing for an empty list', () => {
    assert.deepEqual(computeWindow({ ...base, scrollTop: 0, count: 0 }), { start: 0, end: 0, totalHeight: 0 });
  });

  it('renders the first screen plus overscan at the top', () => {
    assert.deepEqual(computeWindow({ ...base, scrollTop: 0, count: 10_000 }), { start: 0, end: 15, totalHeight: 220_000 });
  });

  it('keeps a constant, small number of rows anywhere in 10,000', () => {
    for (const scrollTop of [0, 11, 5000, 123_456, 219_780]) {
      const w = computeWindow({ ...base, scrollTop, count: 10_000 });
      assert.ok(w.end - w.start <= 10 + 1 + 2 * 5, `${w.end - w.start} rows at ${scrollTop}`);
      assert.ok(w.start * 22 <= scrollTop && w.end * 22 >= Math.min(scrollTop + 220, 220_000), `window ${w.start}-${w.end} misses the viewport at ${scrollTop}`);
    }
  });

  it('covers a viewport that starts mid-row', () => {
    const w = computeWindow({ ...base, overscan: 0, scrollTop: 11, count: 100 });
    assert.deepEqual([w.start, w.end], [0, 11]);
  });

  it('clamps a scroll position past the end (the list just shrank)', () => {
    const w = computeWindow({ ...base, scrollTop: 1_000_000, count: 20 });
    assert.deepEqual(w, { start: 5, end: 20, totalHeight: 440 });
  });

  it('shows every row of a list shorter than the viewport', () => {
    assert.deepEqual(computeWindow({ ...base, scrollTop: 0, count: 3 }), { start: 0, end: 3, totalHeight: 66 });
  });

  it('survives nonsense input from a layout that is not ready', () => {
    const w = computeWindow({ rowHeight: 0, viewportHeight: -5, overscan: -1, scrollTop: -100, count: 4.7 });
    assert.deepEqual(w, { start: 0, end: 1, totalHeight: 4 });
  });

  it('keeps the rows being read in place when new rows arrive above, and follows at the top', () => {
    assert.equal(anchoredScrollTop(0, 5, 22), 0);
    assert.equal(anchoredScrollTop(440, 5, 22), 550);
    assert.equal(anchoredScrollTop(440, 0, 22), 440);
  });
});
