import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { TraceCheckpoint } from '../../../src/core/trace/canonical';
import { naiveVerify } from '../../../src/core/trace/naiveVerify';
import { verifyTraceBytes, verifyTraceFile } from '../../../src/core/trace/verify';
import { generateFixturesInTemp, type ExpectedResult } from '../../fixtures/trace/generate';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'trace');
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, ExpectedResult>;

function checkpointsOf(e: ExpectedResult): TraceCheckpoint[] | undefined {
  return e.checkpoints ? (JSON.parse(readFileSync(path.join(DIR, e.checkpoints), 'utf8')) as TraceCheckpoint[]) : undefined;
}

function summary(r: ReturnType<typeof verifyTraceBytes>): ExpectedResult {
  return r.ok
    ? { ok: true, events: r.events, lastSeq: r.lastSeq, head: r.head, unended: r.unended }
    : { ok: false, kind: r.kind, firstBadSeq: r.firstBadSeq, line: r.line };
}

describe('trace golden vectors', () => {
  for (const [file, want] of Object.entries(expected)) {
    const { checkpoints: _file, ...plain } = want;
    it(`${file}: ${want.ok ? 'verifies' : `${want.kind} at seq ${want.firstBadSeq}`}`, async () => {
      const checkpoints = checkpointsOf(want);
      assert.deepEqual(summary(await verifyTraceFile(path.join(DIR, file), { checkpoints })), plain);
      assert.deepEqual(summary(verifyTraceBytes(readFileSync(path.join(DIR, file)), { checkpoints, schema: 'all' })), plain);
      assert.deepEqual(summary(naiveVerify(readFileSync(path.join(DIR, file)), { checkpoints })), plain);
    });
  }

  it('fails with a message a person can act on', () => {
    const r = verifyTraceBytes(readFileSync(path.join(DIR, 'deleted.trace.jsonl')));
    assert.ok(!r.ok);
    assert.match(r.message, /line 8 has seq 8 where seq 7 belongs/);
  });

  it('regenerates byte for byte: the canonical encoding is a contract', async () => {
    const tmp = await generateFixturesInTemp();
    try {
      const names = readdirSync(tmp).sort();
      assert.deepEqual(names, readdirSync(DIR).filter((n) => n !== 'generate.ts').sort());
      for (const name of names) {
        assert.ok(readFileSync(path.join(tmp, name)).equals(readFileSync(path.join(DIR, name))), `${name} changed: the trace encoding is no longer what shipped`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('keeps secrets out of the golden session', () => {
    const good = readFileSync(path.join(DIR, 'good.trace.jsonl'), 'utf8');
    assert.ok(!good.includes('ghp_'));
    assert.match(good, /GITHUB_TOKEN=\[REDACTED:github-token\] npm run deploy/);
  });
});
