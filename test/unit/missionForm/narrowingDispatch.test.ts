import { strict as assert } from 'node:assert';
import { narrowingNotes } from '../../../src/vscode/missionForm/narrowing';
import { dispatchMissionFormMessage } from '../../../src/vscode/missionForm/dispatch';
import { EXAMPLE_POLICY, layer } from '../policy/builders';
import { validValues } from './builders';

describe('mission form: a mission can only narrow the policy', () => {
  const layers = [layer(EXAMPLE_POLICY)];

  it('is silent for a scope inside the policy write scope', () => {
    assert.deepEqual(narrowingNotes({ scope: { write: ['src/payments/**', 'test/*.ts'] } }, layers), []);
  });

  it('warns, with the policy scope, when a glob lies outside it', () => {
    const notes = narrowingNotes({ scope: { write: ['src/**', 'docs/**'] } }, layers);
    assert.deepEqual(notes.map((n) => n.path), ['scope.write[1]']);
    assert.match(notes[0].message, /`docs\/\*\*` is outside the workspace policy's write scope \(`src\/\*\*`, `test\/\*\*`\).*no effect/);
  });

  it('warns when a glob reaches beyond the policy scope', () => {
    const notes = narrowingNotes({ scope: { write: ['**/*.md'] } }, layers);
    assert.equal(notes.length, 1);
    assert.match(notes[0].message, /reaches beyond/);
  });

  it('warns when mode or caps are looser than the policy', () => {
    const notes = narrowingNotes({ mode: 'ship', budget: { usd: 50 }, limits: { toolCalls: 100 } }, layers);
    assert.deepEqual(notes.map((n) => n.path), ['mode', 'budget.usd']);
  });

  it('has nothing to say without a policy write scope', () => {
    assert.deepEqual(narrowingNotes({ scope: { write: ['anything/**'] } }, []), []);
  });
});

describe('mission form: page → host messages', () => {
  it('accepts the protocol', () => {
    assert.equal(dispatchMissionFormMessage({ type: 'change', seq: 3, values: validValues() }).type, 'change');
    assert.equal(dispatchMissionFormMessage({ type: 'save', values: validValues() }).type, 'save');
    assert.equal(dispatchMissionFormMessage({ type: 'startSession' }).type, 'startSession');
  });

  it('drops a prototype key in values without polluting anything', () => {
    const m = dispatchMissionFormMessage(JSON.parse('{"type":"save","values":{"__proto__":{"polluted":"yes"}}}'));
    assert.ok(m.type === 'save');
    assert.deepEqual(Object.keys(m.values), []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  const hostile: Array<[string, unknown]> = [
    ['a file path in startSession', { type: 'startSession', file: '/etc/passwd' }],
    ['an unknown type', { type: 'writeFile', path: '/tmp/x' }],
    ['a dotted key in values', { type: 'save', values: { 'scope.write': 'x' } }],
    ['a nested object too deep', { type: 'save', values: { intentOwner: { name: { first: 'A' } } } }],
    ['a number leaf', { type: 'save', values: { title: 42 } }],
    ['an oversized value', { type: 'save', values: { outcome: 'x'.repeat(20_001) } }],
    ['too many rows', { type: 'save', values: { supervisors: Array.from({ length: 101 }, () => ({ name: 'a', email: 'b' })) } }],
    ['a negative seq', { type: 'change', seq: -1, values: {} }],
    ['null', null],
  ];
  for (const [what, raw] of hostile) {
    it(`rejects ${what}`, () => {
      assert.equal(dispatchMissionFormMessage(raw).type, 'rejected');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
});

describe('mission form: protected paths in the mission scope', () => {
  it('does not call a protected path "no effect": naming it keeps it writable with approval', () => {
    const notes = narrowingNotes({ scope: { write: ['src/**', '.github/workflows/**'] } }, [layer(EXAMPLE_POLICY)]);
    assert.deepEqual(notes, []);
  });
});
