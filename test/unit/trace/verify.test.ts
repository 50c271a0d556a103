import { strict as assert } from 'node:assert';
import { naiveVerify } from '../../../src/core/trace/naiveVerify';
import { verifyTraceBytes } from '../../../src/core/trace/verify';
import type { VerifyResult } from '../../../src/core/trace/verifyTypes';
import { buildSession, hashOf, int, joinLines, pick, prng, randomSession, startEvent } from './builders';
import { canonicalJson, hashCanonicalBody, lineFromBody, type TraceCheckpoint } from '../../../src/core/trace/canonical';

const verdict = (r: VerifyResult) => (r.ok ? { ok: true, events: r.events, lastSeq: r.lastSeq, head: r.head, sessions: r.sessionIds } : { ok: false, kind: r.kind, firstBadSeq: r.firstBadSeq, line: r.line });

/** Re-hashes one line in place (an attacker who fixes the line's own hash but not the chain). */
function rehash(line: string, edit: (o: Record<string, unknown>) => void): string {
  const { hash: _h, ...body } = JSON.parse(line) as Record<string, unknown>;
  edit(body);
  const c = canonicalJson(body);
  return lineFromBody(c, hashCanonicalBody(c)).slice(0, -1);
}

function rechain(lines: string[], from: number): string[] {
  const out = lines.slice(0, from);
  let prev = from > 0 ? hashOf(out[from - 1]!) : '0'.repeat(64);
  for (const l of lines.slice(from)) {
    const next = rehash(l, (o) => { o.prev = prev; });
    prev = hashOf(next);
    out.push(next);
  }
  return out;
}

type Tamper = { name: string; bytes: Buffer; checkpoints?: TraceCheckpoint[] };

function tamper(rnd: () => number, lines: string[], sid: string): Tamper {
  const n = lines.length;
  const i = int(rnd, 0, n - 1);
  const j = int(rnd, 0, n - 1);
  const pinLast: TraceCheckpoint[] = [{ session_id: sid, seq: n - 1, head: hashOf(lines[n - 1]!) }];
  const b = (ls: string[], tail = ''): Buffer => Buffer.from(joinLines(ls) + tail, 'utf8');
  switch (pick(rnd, ['edit', 'edit-rehash', 'delete', 'delete-range', 'duplicate', 'forge', 'swap', 'move', 'truncate', 'tear', 'flip', 'rewrite', 'concat', 'none'] as const)) {
    case 'edit':
      return { name: `edit ${i}`, bytes: b(lines.map((l, k) => (k === i ? l.replace('"actor":"', '"actor":"x') : l))) };
    case 'edit-rehash':
      return { name: `edit+rehash ${i}`, bytes: b(lines.map((l, k) => (k === i ? rehash(l, (o) => { o.actor = 'mallory'; }) : l))) };
    case 'delete':
      return { name: `delete ${i}`, bytes: b(lines.filter((_, k) => k !== i)) };
    case 'delete-range':
      return { name: `delete ${Math.min(i, j)}..${Math.max(i, j)}`, bytes: b(lines.filter((_, k) => k < Math.min(i, j) || k > Math.max(i, j))) };
    case 'duplicate':
      return { name: `duplicate ${i} at ${j}`, bytes: b([...lines.slice(0, j), lines[i]!, ...lines.slice(j)]) };
    case 'forge': {
      const forged = rehash(lines[i]!, (o) => { o.seq = int(rnd, 0, n + 2); o.prev = hashOf(lines[Math.max(0, j - 1)]!); });
      return { name: `forge at ${j}`, bytes: b([...lines.slice(0, j), forged, ...lines.slice(j)]) };
    }
    case 'swap': {
      const s = [...lines];
      [s[i], s[j]] = [s[j]!, s[i]!];
      return { name: `swap ${i} ${j}`, bytes: b(s) };
    }
    case 'move': {
      const s = [...lines];
      const [m] = s.splice(i, 1);
      s.splice(j, 0, m!);
      return { name: `move ${i} to ${j}`, bytes: b(s) };
    }
    case 'truncate':
      return { name: `truncate to ${i}`, bytes: b(lines.slice(0, i + 1)), checkpoints: rnd() < 0.7 ? pinLast : undefined };
    case 'tear':
      return { name: `tear ${i}`, bytes: b(lines.slice(0, i), lines[i]!.slice(0, int(rnd, 0, lines[i]!.length))) };
    case 'flip': {
      const buf = b(lines);
      const at = int(rnd, 0, buf.length - 2);
      buf[at] = buf[at]! ^ (1 << int(rnd, 0, 7));
      return { name: `flip byte ${at}`, bytes: buf };
    }
    case 'rewrite': {
      const s = [...lines];
      s[i] = rehash(s[i]!, (o) => { o.actor = 'mallory'; });
      const pin: TraceCheckpoint[] = [{ session_id: sid, seq: int(rnd, 0, n - 1), head: '' }];
      pin[0]!.head = hashOf(lines[pin[0]!.seq]!);
      return { name: `rewrite from ${i}`, bytes: b(rechain(s, i)), checkpoints: pin };
    }
    case 'concat': {
      const other = randomSession(rnd, `${sid}-b`, int(rnd, 1, 6));
      return { name: 'concat', bytes: b([...lines, ...other]), checkpoints: pinLast };
    }
    default:
      return { name: 'none', bytes: b(lines), checkpoints: pinLast };
  }
}

describe('trace verifier', () => {
  it('accepts a clean trace and reports its head', () => {
    const lines = buildSession('S', [startEvent()]);
    const r = verifyTraceBytes(joinLines(lines));
    assert.ok(r.ok);
    assert.deepEqual([r.events, r.lastSeq, r.head, r.sessions], [1, 0, hashOf(lines[0]!), 1]);
  });

  it('calls an empty file a header failure', () => {
    const r = verifyTraceBytes('');
    assert.ok(!r.ok);
    assert.equal(r.kind, 'header');
  });

  it('accepts concatenated sessions but not the same session twice', () => {
    const a = randomSession(prng(1), 'A', 5);
    const b = randomSession(prng(2), 'B', 4);
    const r = verifyTraceBytes(joinLines([...a, ...b]));
    assert.ok(r.ok);
    assert.deepEqual(r.sessionIds, ['A', 'B']);
    const again = verifyTraceBytes(joinLines([...a, ...a]));
    assert.ok(!again.ok);
    assert.equal(again.kind, 'inserted');
  });

  it('flags a line of another session spliced into the chain', () => {
    const a = randomSession(prng(3), 'A', 5);
    const b = randomSession(prng(4), 'B', 5);
    const r = verifyTraceBytes(joinLines([...a.slice(0, 3), b[3]!, ...a.slice(3)]));
    assert.ok(!r.ok);
    assert.deepEqual([r.kind, r.firstBadSeq], ['inserted', 3]);
  });

  it('agrees with the naive reference verifier on 600 randomly tampered traces', function () {
    this.timeout(60000);
    for (let seed = 1; seed <= 600; seed++) {
      const rnd = prng(seed);
      const sid = `S-${seed}`;
      const lines = randomSession(rnd, sid, int(rnd, 1, 40));
      const t = tamper(rnd, lines, sid);
      const naive = verdict(naiveVerify(t.bytes, { checkpoints: t.checkpoints }));
      for (const schema of ['sample', 'all'] as const) {
        const fast = verdict(verifyTraceBytes(t.bytes, { checkpoints: t.checkpoints, schema, sampleEvery: 7 }));
        assert.deepEqual(fast, naive, `seed ${seed} (${t.name}, schema ${schema})`);
      }
    }
  });

  it('never accepts a trace with a flipped bit', () => {
    for (let seed = 1000; seed < 1400; seed++) {
      const rnd = prng(seed);
      const lines = randomSession(rnd, 'S', int(rnd, 2, 30));
      const buf = Buffer.from(joinLines(lines));
      const at = int(rnd, 0, buf.length - 1);
      buf[at] = buf[at]! ^ (1 << int(rnd, 0, 7));
      assert.equal(verifyTraceBytes(buf).ok, false, `seed ${seed}: flipped byte ${at} went unnoticed`);
    }
  });
});
