import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import {
  canonicalJson, CanonicalEncodingError, checkpointDigest, encodeCheckpoint, GENESIS_PREV, HASH_SUFFIX_LENGTH, hashEvent, lineFromBody, hashCanonicalBody,
} from '../../../src/core/trace/canonical';

describe('trace canonical encoding', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    assert.equal(canonicalJson({ 'é': 1, z: 2, Z: 3, '\u{1F600}': 4, '\uFFFD': 5 }), '{"Z":3,"z":2,"é":1,"\u{1F600}":4,"\uFFFD":5}');
  });

  it('writes numbers and strings as JSON.stringify does', () => {
    assert.equal(canonicalJson([0.1, 1e21, -0, 5, 'a"b\\c\n\u0001', '☃']), '[0.1,1e+21,0,5,"a\\"b\\\\c\\n\\u0001","☃"]');
  });

  it('omits undefined properties so optional fields round-trip through JSON.parse', () => {
    const v = { a: 1, b: undefined };
    assert.equal(canonicalJson(v), '{"a":1}');
    assert.equal(canonicalJson(JSON.parse(canonicalJson(v))), canonicalJson(v));
  });

  for (const [name, value, reason] of [
    ['NaN', { a: Number.NaN }, 'non-finite-number'],
    ['Infinity', [Number.POSITIVE_INFINITY], 'non-finite-number'],
    ['undefined in an array', [1, undefined], 'undefined-in-array'],
    ['a bigint', { a: 1n }, 'unsupported-type'],
    ['a Date', { a: new Date(0) }, 'unsupported-type'],
    ['a function', { a: () => 1 }, 'unsupported-type'],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => canonicalJson(value), (e: unknown) => CanonicalEncodingError.is(e) && e.reason === reason);
    });
  }

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    assert.throws(() => canonicalJson(a), (e: unknown) => CanonicalEncodingError.is(e) && e.reason === 'cycle');
  });

  it('hashes the domain tag and the canonical body (pinned vector)', () => {
    const ev = { seq: 0, event: 'x', nested: { b: [1, 'é', null, true], a: 0.1 } };
    // printf 'agentlane-trace-v1\0{"event":"x","nested":{"a":0.1,"b":[1,"é",null,true]},"seq":0}' | sha256sum
    assert.equal(hashEvent(ev), '08ffc5cbd428a5f72453250a1d9bbc56a40818bf4ce36ee606a448974c0d49f0');
    assert.throws(() => hashEvent({ ...ev, hash: 'x' }));
  });

  it('puts the hash last so the hashed bytes are the line minus its fixed tail', () => {
    const body = canonicalJson({ z: 1, a: 'x', prev: GENESIS_PREV });
    const hash = hashCanonicalBody(body);
    const line = lineFromBody(body, hash);
    assert.ok(line.endsWith(`,"hash":"${hash}"}\n`));
    const recovered = `${line.slice(0, line.length - 1 - HASH_SUFFIX_LENGTH)}}`;
    assert.equal(recovered, body);
    assert.equal(createHash('sha256').update(`agentlane-trace-v1\0${recovered}`).digest('hex'), hash);
    assert.deepEqual(JSON.parse(line), { z: 1, a: 'x', prev: GENESIS_PREV, hash });
  });

  it('encodes checkpoints with their own domain tag (pinned vector)', () => {
    const cp = { session_id: 's', seq: 3, head: 'ab'.repeat(32) };
    assert.equal(encodeCheckpoint(cp), `agentlane-checkpoint-v1\0{"head":"${'ab'.repeat(32)}","seq":3,"session_id":"s"}`);
    assert.equal(checkpointDigest(cp), '50898226863f6186d0221a9a6db6f5d46567045aadac08b3faa2e58762c49748');
  });
});
