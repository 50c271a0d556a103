/** 50 decisions a second reach the page as a handful of messages, never one per decision. */
import { strict as assert } from 'node:assert';
import { Batcher, type Scheduler } from '../../../src/vscode/sidebar/batcher';

/** A manual clock: timers run when the test advances time. */
function manualScheduler(): Scheduler & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  return {
    setTimeout: (fn, ms) => { const id = next++; timers.push({ at: now + ms, fn, id }); return id; },
    clearTimeout: (id) => { timers = timers.filter((t) => t.id !== id); },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = until;
    },
  };
}

describe('decision batcher', () => {
  it('turns 50 events a second into ~10 messages carrying all of them, in order', () => {
    const clock = manualScheduler();
    const sent: number[][] = [];
    const b = new Batcher<number>({ intervalMs: 100, maxPerMessage: 200, capacity: 10_000, send: (i) => sent.push(i), scheduler: clock });
    for (let i = 0; i < 50; i++) {
      b.push(i);
      clock.advance(20);
    }
    clock.advance(100);
    assert.ok(sent.length <= 11, `${sent.length} messages`);
    assert.deepEqual(sent.flat(), Array.from({ length: 50 }, (_, i) => i));
  });

  it('splits a burst into messages of at most maxPerMessage', () => {
    const clock = manualScheduler();
    const sent: number[][] = [];
    const b = new Batcher<number>({ intervalMs: 100, maxPerMessage: 200, capacity: 10_000, send: (i) => sent.push(i), scheduler: clock });
    for (let i = 0; i < 450; i++) b.push(i);
    assert.equal(sent.length, 0, 'nothing is sent before the interval');
    clock.advance(100);
    assert.deepEqual(sent.map((s) => s.length), [200, 200, 50]);
  });

  it('drops what is buffered when cleared (a snapshot replaces it) and keeps at most its capacity', () => {
    const clock = manualScheduler();
    const sent: number[][] = [];
    const b = new Batcher<number>({ intervalMs: 100, maxPerMessage: 200, capacity: 3, send: (i) => sent.push(i), scheduler: clock });
    b.push(1);
    b.clear();
    clock.advance(500);
    assert.deepEqual(sent, []);
    for (let i = 0; i < 5; i++) b.push(i);
    assert.equal(b.pending, 3);
    clock.advance(100);
    assert.deepEqual(sent, [[2, 3, 4]]);
  });
});
