/**
 * A deliberately naive reference verifier: parse every line, re-encode it canonically with
 * canonical.ts, recompute the hash with hashEvent, validate every line with zod. Slow and
 * obvious; tests run it beside the fast verifier on random and tampered traces and require
 * the same verdict (ok / kind / firstBadSeq). Same contract as verifyTypes.ts describes.
 */
import { canonicalJson, GENESIS_PREV, hashEvent, lineFromBody } from './canonical';
import { TraceEventSchema, type TraceEvent } from './schema';
import type { TraceDamage, VerifyOptions, VerifyResult } from './verifyTypes';

type Parsed = { ok: true; event: TraceEvent } | { ok: false; kind: TraceDamage };

function parseLine(line: string): Parsed {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { ok: false, kind: 'modified' };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { ok: false, kind: 'modified' };
  const { hash, ...body } = obj as Record<string, unknown>;
  if (typeof hash !== 'string') return { ok: false, kind: 'modified' };
  if (`${lineFromBody(canonicalJson(body), hash)}` !== `${line}\n`) return { ok: false, kind: 'modified' };
  if (hashEvent(body) !== hash) return { ok: false, kind: 'modified' };
  const res = TraceEventSchema.safeParse(obj);
  return res.success ? { ok: true, event: res.data } : { ok: false, kind: 'schema' };
}

export function naiveVerify(input: Buffer | string, opts: VerifyOptions = {}): VerifyResult {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.length === 0) return bad(0, 'header', 1, null);
  const lines = text.split('\n');
  const tornTail = lines.pop() !== '';
  const parsed = lines.map(parseLine);
  const sessions: string[] = [];
  const ends = new Map<string, { seq: number; head: string }>();
  let cur: { sid: string; seq: number; head: string } | undefined;
  let events = 0;
  const ended = new Set<string>();

  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i]!;
    const expected = cur ? cur.seq + 1 : 0;
    const sid = cur?.sid ?? null;
    if (!p.ok) return bad(expected, p.kind, i + 1, sid);
    const ev = p.event;
    let linked = false;
    if (ev.event === 'session.start' && ev.seq === 0 && ev.prev === GENESIS_PREV && !sessions.includes(ev.session_id)) {
      if (cur) ends.set(cur.sid, { seq: cur.seq, head: cur.head });
      sessions.push(ev.session_id);
      cur = { sid: ev.session_id, seq: -1, head: GENESIS_PREV };
      linked = true;
    } else if (!cur) {
      return bad(0, 'header', i + 1, null);
    } else if (ev.event !== 'session.start' && ev.session_id !== cur.sid) {
      return bad(expected, 'inserted', i + 1, sid);
    } else if (ev.seq === expected && ev.prev === cur.head) {
      linked = true;
    }
    if (!linked) return bad(expected, classify(ev.seq, expected, parsed.slice(i + 1)), i + 1, sid);
    if (ev.event === 'session.end') ended.add(ev.session_id);
    cur!.seq = ev.seq;
    cur!.head = ev.hash;
    events++;
    for (const cp of opts.checkpoints ?? []) {
      if (cp.session_id === cur!.sid && cp.seq === ev.seq && cp.head !== ev.hash) return bad(ev.seq, 'modified', i + 1, cur!.sid);
    }
  }
  if (tornTail) return bad(cur ? cur.seq + 1 : 0, 'torn', lines.length + 1, cur?.sid ?? null);
  if (cur) ends.set(cur.sid, { seq: cur.seq, head: cur.head });
  for (const cp of opts.checkpoints ?? []) {
    const end = ends.get(cp.session_id);
    if (!end) return bad(0, 'truncated', lines.length + 1, cp.session_id);
    if (cp.seq > end.seq) return bad(end.seq + 1, 'truncated', lines.length + 1, cp.session_id);
  }
  if (!cur) return bad(0, 'header', 1, null);
  return { ok: true, sessions: sessions.length, sessionIds: sessions, events, head: cur.head, lastSeq: cur.seq, unended: sessions.filter((s) => !ended.has(s)) };
}

function classify(seq: number, expected: number, rest: Parsed[]): TraceDamage {
  if (seq === expected) return 'modified';
  if (seq < expected) return 'inserted';
  const later: number[] = [];
  for (const p of rest) {
    if (!p.ok) continue;
    if (p.event.event === 'session.start') break;
    later.push(p.event.seq);
  }
  if (!later.includes(expected)) return 'deleted';
  if (later.includes(seq) || seq > Math.max(...later) + 1) return 'inserted';
  return 'reordered';
}

function bad(firstBadSeq: number, kind: TraceDamage, line: number, sessionId: string | null): VerifyResult {
  return { ok: false, firstBadSeq, kind, line, message: `${kind} at seq ${firstBadSeq} (line ${line})`, sessionId };
}
