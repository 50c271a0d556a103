import { strict as assert } from 'node:assert';
import { fileRows, pairLines, parseStagedDiff, splitLines } from '../../../src/vscode/review/diffRows';
import { A_TS_STAGED, STAGED_DIFF } from './builders';

describe('review panel: staged diff → view rows', () => {
  const files = parseStagedDiff(STAGED_DIFF);
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('splits real git output into one entry per file, with status and binary detection', () => {
    assert.deepEqual(files.map((f) => [f.path, f.status, f.binary]), [
      ['.env', 'A', false], ['.github/workflows/ci.yml', 'A', false], ['bin.dat', 'A', true],
      ['gone.txt', 'D', false], ['src/a.ts', 'M', false], ['src/new.ts', 'A', false],
    ]);
    assert.equal(byPath.get('bin.dat')!.hunks.length, 0);
  });

  it('numbers old and new lines, counts +/− and marks a missing final newline', () => {
    const rows = fileRows(byPath.get('src/a.ts')!.hunks);
    assert.equal(rows.added, 3);
    assert.equal(rows.removed, 2);
    const lines = rows.unified.flatMap((r) => (r.kind === 'line' ? [r.line] : []));
    assert.deepEqual(lines.slice(0, 3), [
      { type: 'ctx', oldNo: 1, newNo: 1, text: 'line1' },
      { type: 'del', oldNo: 2, text: 'line2' },
      { type: 'add', newNo: 2, text: 'line2 changed' },
    ]);
    assert.deepEqual(lines[lines.length - 1], { type: 'add', newNo: 21, text: 'x', noEol: true });
  });

  it('collapses the unchanged region between hunks; without the file it only knows its size', () => {
    const rows = fileRows(byPath.get('src/a.ts')!.hunks);
    assert.deepEqual(rows.unified.filter((r) => r.kind === 'gap'), [{ kind: 'gap', count: 9 }]);
  });

  it('fills collapsed regions from the staged file, with both line numbers, so they can be expanded', () => {
    const rows = fileRows(byPath.get('src/a.ts')!.hunks, splitLines(A_TS_STAGED));
    const gaps = rows.unified.filter((r) => r.kind === 'gap');
    assert.equal(gaps.length, 1, 'no leading or trailing gap: the hunks touch both ends');
    const gap = gaps[0];
    assert.ok(gap.kind === 'gap' && gap.lines);
    assert.equal(gap.count, 9);
    assert.deepEqual(gap.lines[0], { oldNo: 6, newNo: 6, text: 'line6' });
    assert.deepEqual(gap.lines[8], { oldNo: 14, newNo: 14, text: 'line14' });
  });

  it('side by side pairs each deletion with the addition that replaces it', () => {
    const rows = fileRows(byPath.get('src/a.ts')!.hunks);
    const pairs = rows.split.flatMap((r) => (r.kind === 'pair' ? [r] : []));
    const changed = pairs.find((p) => p.left?.text === 'line2');
    assert.equal(changed?.right?.text, 'line2 changed');
    const tail = pairs[pairs.length - 1];
    assert.equal(tail.left, undefined);
    assert.equal(tail.right?.text, 'x');
  });

  it('a deleted file has only left-hand lines', () => {
    const rows = fileRows(byPath.get('gone.txt')!.hunks);
    assert.deepEqual(rows.split, [{ kind: 'pair', left: { type: 'del', oldNo: 1, text: 'old' }, right: undefined }]);
  });

  it('masks secrets on added lines and reports their line and rule, never the secret in full', () => {
    const rows = fileRows(byPath.get('src/new.ts')!.hunks);
    assert.deepEqual(rows.secretLines, [{ line: 1, rules: ['aws-access-token'] }]);
    const json = JSON.stringify(rows);
    assert.ok(!json.includes('AKIAIOSFODNN7EXAMPLE'), json);
    assert.ok(json.includes('AKIA••••••••'), json);
  });

  it('pairs unequal runs and keeps context on both sides', () => {
    const rows = pairLines([
      { type: 'ctx', oldNo: 1, newNo: 1, text: 'a' },
      { type: 'del', oldNo: 2, text: 'b' }, { type: 'del', oldNo: 3, text: 'c' },
      { type: 'add', newNo: 2, text: 'B' },
    ]);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2], { kind: 'pair', left: { type: 'del', oldNo: 3, text: 'c' }, right: undefined });
  });
});
