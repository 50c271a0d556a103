import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { missionSchema } from '../../../src/core/mission/schema';
import { labelOf, leafPaths, missionFormFields } from '../../../src/vscode/missionForm/formModel';
import type { FormField } from '../../../src/vscode/webview/protocol/missionForm';

/** Every leaf of the zod schema, walked independently of the JSON Schema route the form takes. */
function schemaLeaves(schema: z.ZodType, prefix = ''): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => schemaLeaves(v, prefix ? `${prefix}.${k}` : k));
  if (s instanceof z.ZodArray && (s.element as z.ZodType) instanceof z.ZodObject) return schemaLeaves(s.element as z.ZodType, `${prefix}[]`);
  return [prefix];
}

const byKey = (fields: FormField[], key: string): FormField => {
  const f = fields.find((x) => x.key === key);
  assert.ok(f, `no field ${key}`);
  return f;
};

describe('mission form: generated from the schema', () => {
  const fields = missionFormFields();

  it('covers every field of the mission schema, in the schema order', () => {
    assert.deepEqual(leafPaths(fields), schemaLeaves(missionSchema));
  });

  it('takes titles from .describe() and splits off the help text', () => {
    assert.deepEqual([byKey(fields, 'title').label, byKey(fields, 'outcome').label, byKey(fields, 'outcome').help],
      ['Title', 'Outcome', 'what is true when the mission is done']);
    assert.equal(byKey(fields, 'risk').label, 'Risk tier');
    assert.deepEqual(labelOf('valueStream', undefined), { label: 'Value stream' });
  });

  it('picks the editor by schema type', () => {
    const kinds = Object.fromEntries(fields.map((f) => [f.key, f.kind]));
    assert.deepEqual(kinds, {
      version: 'const', id: 'text', title: 'text', outcome: 'text', intentOwner: 'group', supervisors: 'rows', mode: 'select',
      scope: 'group', budget: 'group', limits: 'group', expires: 'text', model: 'text', acceptance: 'text',
      classification: 'select', risk: 'select', attribution: 'group',
    });
    const mode = byKey(fields, 'mode');
    assert.ok(mode.kind === 'select');
    assert.deepEqual(mode.options, ['coach', 'build', 'ship']);
    const scope = byKey(fields, 'scope');
    assert.ok(scope.kind === 'group');
    assert.deepEqual(scope.fields.map((f) => [f.key, f.kind]), [['write', 'lines'], ['deny', 'lines'], ['protect', 'lines']]);
    const budget = byKey(fields, 'budget');
    assert.ok(budget.kind === 'group');
    assert.deepEqual(budget.fields.map((f) => f.kind === 'number' && f.integer), [false, true]);
    const sup = byKey(fields, 'supervisors');
    assert.ok(sup.kind === 'rows');
    assert.equal(sup.minItems, 1);
    const expires = byKey(fields, 'expires');
    assert.ok(expires.kind === 'text' && expires.format === 'date-time');
    const id = byKey(fields, 'id');
    assert.ok(id.kind === 'text' && id.format === 'id');
    const outcome = byKey(fields, 'outcome');
    assert.ok(outcome.kind === 'text' && outcome.multiline);
  });

  it('marks what the schema requires', () => {
    const required = fields.filter((f) => f.required).map((f) => f.key);
    assert.deepEqual(required, ['version', 'id', 'title', 'outcome', 'intentOwner', 'supervisors', 'mode', 'classification', 'risk']);
  });
});
