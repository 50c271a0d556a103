// The approved-agent catalog: which CLIs, versions and models start a session.
import * as assert from 'node:assert/strict';
import { checkCatalog, type CatalogLayer } from '../../../src/core/agents/catalog';

const managed = (agents: NonNullable<CatalogLayer['doc']['agents']>): CatalogLayer => ({ layer: 'managed', file: '/etc/agentlane/policy.yaml', doc: { agents } });

describe('approved-agent catalog', () => {
  const layers = [managed([
    { kind: 'claude-code' },
    { kind: 'gemini', versions: '>=0.61.0 <0.62.0', models: ['gemini-2.5-*'] },
  ])];
  const cases: Array<[string, Parameters<typeof checkCatalog>[1], RegExp | null]> = [
    ['an approved CLI with no restrictions', { kind: 'claude-code', version: undefined, model: null }, null],
    ['an approved version and model', { kind: 'gemini', version: '0.61.0', model: 'gemini-2.5-flash' }, null],
    ['a CLI not in the catalog', { kind: 'codex', version: '0.171.0', model: 'gpt-5.5' }, /codex is not in the managed policy's agent catalog .*approved: claude-code, gemini/],
    ['a version outside the range', { kind: 'gemini', version: '0.62.1', model: 'gemini-2.5-flash' }, /version 0\.62\.1 is outside `>=0\.61\.0 <0\.62\.0`/],
    ['a version nobody could tell', { kind: 'gemini', version: undefined, model: 'gemini-2.5-flash' }, /could not be told/],
    ['a model outside the list', { kind: 'gemini', version: '0.61.0', model: 'gemini-3-pro' }, /model `gemini-3-pro` is not one of `gemini-2\.5-\*`/],
    ['no model named', { kind: 'gemini', version: '0.61.0', model: null }, /pass --model/],
  ];
  for (const [name, agent, want] of cases) {
    it(name, () => {
      const v = checkCatalog(layers, agent);
      if (want === null) assert.deepEqual(v, { ok: true });
      else assert.match(v.ok ? '(approved)' : v.reason, want);
    });
  }

  it('no catalog anywhere: every agent starts', () => {
    assert.deepEqual(checkCatalog([{ layer: 'workspace', file: 'p', doc: {} }], { kind: 'codex', version: undefined, model: null }), { ok: true });
  });

  it('every layer with a catalog must approve (layers only tighten)', () => {
    const ws: CatalogLayer = { layer: 'workspace', file: '.agentlane/policy.yaml', doc: { agents: [{ kind: 'claude-code' }] } };
    const v = checkCatalog([...layers, ws], { kind: 'gemini', version: '0.61.0', model: 'gemini-2.5-flash' });
    assert.match(v.ok ? '' : v.reason, /not in the workspace policy's agent catalog/);
  });
});
