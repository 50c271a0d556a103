import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TranscriptMeter, UsageAccumulator, type UsageTotals } from '../../../src/core/budget';
import { copyFixture, fixture, tempDir } from './helpers';

function sum(totals: UsageTotals) {
  const t = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
  for (const m of totals.byModel) {
    t.input += m.tokens.input;
    t.output += m.tokens.output;
    t.cacheWrite5m += m.tokens.cacheWrite5m;
    t.cacheWrite1h += m.tokens.cacheWrite1h;
    t.cacheRead += m.tokens.cacheRead;
  }
  return t;
}

// session-basic.jsonl: response A (3 lines), B (2 lines, output grows 1 → 8,000), C (1 line);
// a progress line embeds a nested assistant message that must not count.
const BASIC = { input: 3_500, output: 24_000, cacheWrite5m: 60_000, cacheWrite1h: 10_000, cacheRead: 430_000 };

describe('budget / transcript reader', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('counts each API response once although its lines repeat the usage', () => {
    const meter = new TranscriptMeter(fixture('session-basic.jsonl'));
    const r = meter.read();
    assert.equal(r.responsesAdded, 3);
    assert.equal(r.badLines, 0);
    const totals = meter.totals();
    assert.equal(totals.responses, 3);
    assert.equal(totals.duplicateLines, 3);
    assert.deepEqual(sum(totals), BASIC);
    const sonnet = totals.byModel.find((m) => m.model === 'claude-sonnet-4-5-20250929');
    assert.equal(sonnet?.responses, 2);
  });

  it('takes the largest usage seen for a response, not the first line or the sum', () => {
    const totals = new TranscriptMeter(fixture('session-basic.jsonl')).totals();
    assert.equal(totals.responses, 0, 'nothing before the first read');
    const meter = new TranscriptMeter(fixture('session-basic.jsonl'));
    meter.read();
    const sonnet = meter.totals().byModel.find((m) => m.model === 'claude-sonnet-4-5-20250929');
    // A: 12,000 output; B: first line says 1, last says 8,000 → 8,000 (a sum would give 8,001).
    assert.equal(sonnet?.tokens.output, 20_000);
  });

  it('reads nothing twice: an append is read alone and reported in bytesRead', () => {
    const file = copyFixture('session-basic.jsonl', tmp.dir);
    const meter = new TranscriptMeter(file);
    const first = meter.read();
    assert.equal(first.bytesRead, fs.statSync(file).size);
    assert.equal(meter.read().bytesRead, 0);
    const appended = fs.readFileSync(fixture('sidechain.jsonl'));
    fs.appendFileSync(file, appended);
    const second = meter.read();
    assert.equal(second.bytesRead, appended.length);
    assert.equal(second.responsesAdded, 2);
    assert.equal(meter.offset, fs.statSync(file).size);
  });

  it('keeps a partial last line until its newline arrives, then counts it once', () => {
    const file = copyFixture('corrupt-partial.jsonl', tmp.dir);
    const meter = new TranscriptMeter(file);
    const first = meter.read();
    assert.equal(first.responsesAdded, 3, 'H, I (glued behind a torn line) and J');
    assert.ok(meter.pendingBytes > 0);
    const rest = fs.readFileSync(fixture('corrupt-partial.rest'));
    fs.appendFileSync(file, rest);
    const second = meter.read();
    assert.equal(second.bytesRead, rest.length);
    assert.equal(second.responsesAdded, 1);
    assert.equal(meter.pendingBytes, 0);
    assert.deepEqual(sum(meter.totals()), { input: 1_800, output: 18_000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
  });

  it('counts corrupt lines without throwing and without losing the lines after them', () => {
    const meter = new TranscriptMeter(fixture('corrupt-partial.jsonl'));
    const r = meter.read();
    // torn+glued line, usage with a string count, a line that is not json
    assert.equal(r.badLines, 3);
    assert.equal(meter.badLines, 3);
    assert.match(meter.lastBadReason ?? '', /not valid json/);
    const ids = meter.totals().byModel[0].responses;
    assert.equal(ids, 3);
  });

  it('restarts from byte 0 on rotation without counting a response twice', () => {
    const file = copyFixture('session-basic.jsonl', tmp.dir);
    const meter = new TranscriptMeter(file);
    meter.read();
    // Rotate: move the old file away and start a new one holding the old lines plus new ones.
    fs.renameSync(file, path.join(tmp.dir, 'old.jsonl'));
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(fixture('session-basic.jsonl')), fs.readFileSync(fixture('sidechain.jsonl'))]));
    const r = meter.read();
    assert.equal(r.restarted, true);
    assert.equal(r.responsesAdded, 2, 'only D and E are new');
    assert.equal(meter.totals().responses, 5);
    assert.deepEqual(
      sum(meter.totals()),
      { input: 3_800, output: 36_000, cacheWrite5m: 78_000, cacheWrite1h: 10_000, cacheRead: 520_000 },
    );
  });

  it('restarts when the file is truncated or rewritten in place', () => {
    const file = copyFixture('sidechain.jsonl', tmp.dir);
    const meter = new TranscriptMeter(file);
    meter.read();
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, fs.readFileSync(fixture('unknown-model.jsonl')));
    const r = meter.read();
    assert.equal(r.restarted, true);
    assert.equal(r.responsesAdded, 3, 'F, G and the synthetic reply');
    assert.equal(meter.restarts, 1);
  });

  it('counts subagent (sidechain) lines and reports them separately', () => {
    const meter = new TranscriptMeter(fixture('sidechain.jsonl'));
    meter.read();
    const haiku = meter.totals().byModel.find((m) => m.model === 'claude-haiku-4-5-20251001');
    assert.equal(haiku?.sidechainResponses, 1);
    assert.deepEqual(haiku?.sidechain, { input: 200, output: 2_000, cacheWrite5m: 8_000, cacheWrite1h: 0, cacheRead: 40_000 });
    const opus = meter.totals().byModel.find((m) => m.model === 'claude-opus-4-5-20251101');
    assert.equal(opus?.sidechainResponses, 0);
  });

  it('shares one accumulator across the files of a session', () => {
    const accumulator = new UsageAccumulator();
    new TranscriptMeter(fixture('session-basic.jsonl'), { accumulator }).read();
    new TranscriptMeter(fixture('session-basic.jsonl'), { accumulator }).read();
    assert.equal(accumulator.totals().responses, 3);
    assert.deepEqual(sum(accumulator.totals()), BASIC);
  });

  it('gives the same totals whatever the chunk size (lines spanning chunks, growing buffer)', () => {
    const meter = new TranscriptMeter(fixture('session-basic.jsonl'), { chunkBytes: 1 });
    meter.read();
    assert.deepEqual(sum(meter.totals()), BASIC);
  });

  it('reads a transcript that does not exist yet as empty', () => {
    const meter = new TranscriptMeter(path.join(tmp.dir, 'not-yet.jsonl'));
    assert.deepEqual(meter.read(), { bytesRead: 0, responsesAdded: 0, linesDecoded: 0, badLines: 0, restarted: false });
  });
});

describe('budget / transcript reader: rewrite in place', () => {
  it('notices a file rewritten under the same inode with the same size (first bytes differ)', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 's.jsonl');
      const a = fs.readFileSync(fixture('unknown-model.jsonl'));
      fs.writeFileSync(file, a);
      const meter = new TranscriptMeter(file);
      meter.read();
      // Same length, different session: the reader must start over, not resume mid-file.
      const b = Buffer.from(a.toString('utf8').replace(/7f3c2a10/g, '8e4d3b21'));
      fs.writeFileSync(file, b);
      assert.equal(meter.read().restarted, true);
    } finally {
      tmp.cleanup();
    }
  });
});
