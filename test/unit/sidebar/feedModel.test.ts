/** The feed keeps the session's decisions in order, without replays, capped, and filtered. */
import { strict as assert } from 'node:assert';
import { FeedModel } from '../../../media/sidebar/feedModel';
import { DEFAULT_FILTER, type DecisionView } from '../../../src/vscode/webview/protocol/sidebar';
import { decision } from './builders';

const seqs = (m: FeedModel): number[] => Array.from({ length: m.count }, (_, i) => m.at(i)!.seq);

describe('decision feed model', () => {
  it('shows the newest first', () => {
    const m = new FeedModel(100, DEFAULT_FILTER);
    m.reset('s1', [decision(1), decision(2)]);
    m.append('s1', [decision(3)]);
    assert.deepEqual(seqs(m), [3, 2, 1]);
  });

  it('ignores replays and batches of another session', () => {
    const m = new FeedModel(100, DEFAULT_FILTER);
    m.reset('s1', [decision(1), decision(2)]);
    assert.equal(m.append('s1', [decision(2), decision(1)]), 0);
    assert.equal(m.append('s0', [decision(9)]), 0);
    assert.deepEqual(seqs(m), [2, 1]);
  });

  it('keeps at most its capacity, dropping the oldest (also from the filtered view)', () => {
    const m = new FeedModel(10_000, { ...DEFAULT_FILTER, allow: false });
    const items: DecisionView[] = Array.from({ length: 10_050 }, (_, i) => decision(i + 1, i % 2 ? 'allow' : 'deny'));
    m.reset('s1', items.slice(0, 9_000));
    for (let i = 9_000; i < items.length; i += 5) m.append('s1', items.slice(i, i + 5));
    assert.equal(m.total, 10_000);
    assert.equal(m.count, 5_000);
    assert.equal(m.at(m.count - 1)!.seq, 51);
    assert.equal(m.at(0)!.seq, 10_049);
  });

  it('filters by verdict and by text over tool, summary and rule', () => {
    const m = new FeedModel(100, DEFAULT_FILTER);
    m.reset('s1', [
      decision(1, 'allow', { tool: 'Read', summary: 'src/a.ts' }),
      decision(2, 'deny', { tool: 'Bash', summary: 'curl evil.example', rule: 'network.deny[0]' }),
      decision(3, 'ask', { tool: 'Bash', summary: 'npm publish', rule: 'commands.ask[1]' }),
    ]);
    m.setFilter({ allow: true, ask: true, deny: true, text: 'BASH' });
    assert.deepEqual(seqs(m), [3, 2]);
    m.setFilter({ allow: true, ask: false, deny: true, text: 'network.deny' });
    assert.deepEqual(seqs(m), [2]);
    m.setFilter({ allow: false, ask: false, deny: false, text: '' });
    assert.equal(m.count, 0);
    assert.equal(m.append('s1', [decision(4, 'deny')]), 0);
    m.setFilter(DEFAULT_FILTER);
    assert.deepEqual(seqs(m), [4, 3, 2, 1]);
  });

  it('counts only the appended rows the filter shows (for scroll anchoring)', () => {
    const m = new FeedModel(100, { ...DEFAULT_FILTER, allow: false });
    m.reset('s1', []);
    assert.equal(m.append('s1', [decision(1, 'allow'), decision(2, 'deny'), decision(3, 'ask')]), 2);
  });
});
