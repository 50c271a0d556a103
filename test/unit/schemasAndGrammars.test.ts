import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEMAS, render } from '../../scripts/gen-schemas';

const root = path.join(__dirname, '../..');

describe('JSON Schemas generated from the zod schemas', () => {
  for (const entry of SCHEMAS) {
    it(`schemas/${entry.file} is current (run npm run schemas)`, () => {
      assert.equal(readFileSync(path.join(root, 'schemas', entry.file), 'utf8'), render(entry));
    });
  }
  it('the policy schema rejects unknown keys, like the loader', () => {
    const s = JSON.parse(readFileSync(path.join(root, 'schemas/policy.schema.json'), 'utf8')) as { additionalProperties: unknown; required: string[] };
    assert.equal(s.additionalProperties, false);
    assert.deepEqual(s.required, ['version']);
  });
});

describe('TextMate grammars', () => {
  const load = (f: string) => JSON.parse(readFileSync(path.join(root, 'syntaxes', f), 'utf8')) as { repository: Record<string, { match?: string; patterns?: Array<{ match: string; name?: string }> }> };

  it('the policy injection colours decisions after a key and leaves prose alone', () => {
    const g = load('agentlane-policy.injection.tmLanguage.json');
    const deny = new RegExp(g.repository.decisionWord.patterns!.find((p) => p.name?.includes('deny'))!.match);
    assert.ok(deny.test('  otherwise: deny'));
    assert.ok(deny.test('  unanalyzable: deny  # comment'));
    assert.ok(!deny.test('# we deny nothing here'));
    const glob = new RegExp(g.repository.glob.match!);
    assert.equal('  deny: ["**/.env*", "src"]'.match(new RegExp(glob.source, 'g'))?.join('|'), '**/.env*');
  });

  it('the trace grammar colours each decision', () => {
    const g = load('agentlane-trace.tmLanguage.json');
    const names = g.repository.decision.patterns!.map((p) => [new RegExp(p.match).test('"decision":"deny"'), p.name ?? p.match]);
    assert.equal(names.filter(([hit]) => hit).length, 1);
  });
});
