import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { loadMissionFromText } from '../../../src/core/mission/load';
import { missionSchema } from '../../../src/core/mission/schema';
import { missionFormFields } from '../../../src/vscode/missionForm/formModel';
import { evaluateForm } from '../../../src/vscode/missionForm/evaluate';
import { emptyValues, inputToValues, missionYaml, valuesToInput } from '../../../src/vscode/missionForm/values';
import { FULL_MISSION_YAML, validValues } from './builders';

const fields = missionFormFields();
const FILE = '/ws/.agentlane/missions/M-2026-11-21-ab12.yaml';

describe('mission form: values ⇄ YAML', () => {
  it('round-trips a full mission file byte for byte', () => {
    const values = inputToValues(fields, parse(FULL_MISSION_YAML));
    assert.equal(missionYaml(valuesToInput(fields, values)), FULL_MISSION_YAML);
    assert.ok(loadMissionFromText(FULL_MISSION_YAML, FILE).ok);
  });

  it('writes keys in the schema order whatever order the values come in', () => {
    const shuffled = Object.fromEntries(Object.entries(validValues()).reverse());
    const keys = Object.keys(parse(missionYaml(valuesToInput(fields, shuffled))) as object);
    assert.deepEqual(keys, ['version', 'id', 'title', 'outcome', 'intentOwner', 'supervisors', 'mode', 'scope', 'classification', 'risk']);
  });

  it('leaves empty optional fields, groups and rows out, trims text and parses numbers', () => {
    const input = valuesToInput(fields, validValues({
      title: '  Add rate limiting  ',
      supervisors: [{ name: 'Grace Hopper', email: 'grace@example.com' }, { name: '', email: '' }],
      budget: { usd: ' 12.5 ', tokens: '' },
      scope: { write: 'src/**\n\n  test/**  \n', deny: '', protect: '' },
    }));
    assert.equal(input.title, 'Add rate limiting');
    assert.deepEqual(input.supervisors, [{ name: 'Grace Hopper', email: 'grace@example.com' }]);
    assert.deepEqual(input.budget, { usd: 12.5 });
    assert.deepEqual(input.scope, { write: ['src/**', 'test/**'] });
    assert.equal('limits' in input, false);
    assert.equal('attribution' in input, false);
    assert.equal(input.version, 1);
    assert.ok(missionSchema.safeParse(input).success);
  });

  it('a fresh form has one empty supervisor row and every field empty', () => {
    const v = emptyValues(fields);
    assert.deepEqual(v.supervisors, [{ name: '', email: '' }]);
    assert.equal(v.title, '');
    assert.deepEqual(v.budget, { usd: '', tokens: '' });
  });

  it('loads what it can from an invalid file and drops what does not fit', () => {
    const v = inputToValues(fields, { title: 42, supervisors: 'nobody', scope: { write: ['a/**', 7] }, bogus: 'x' });
    assert.equal(v.title, '42');
    assert.deepEqual(v.supervisors, []);
    assert.deepEqual(v.scope, { write: 'a/**\n7', deny: '', protect: '' });
    assert.equal('bogus' in v, false);
  });
});

describe('mission form: validation says what the CLI says', () => {
  /** The CLI (`agentlane run --mission`) reports loadMissionFromText's problems for the file. */
  const cliMessages = (yamlText: string): Array<[string, string]> => {
    const r = loadMissionFromText(yamlText, FILE);
    return r.ok ? [] : r.errors.map((e) => [e.path, e.message]);
  };

  const cases: Array<[string, Parameters<typeof validValues>[0], string, string]> = [
    ['a short title', { title: 'ab' }, 'title', 'title needs at least 3 characters'],
    ['an empty outcome', { outcome: '' }, 'outcome', 'describe the outcome in at least 10 characters'],
    ['a bad supervisor email', { supervisors: [{ name: 'G', email: 'not-an-email' }] }, 'supervisors[0].email', 'a valid email is required'],
    ['no supervisor', { supervisors: [{ name: '', email: '' }] }, 'supervisors', 'at least one supervisor is required'],
    ['an empty intent owner name', { intentOwner: { name: '', email: 'a@example.com' } }, 'intentOwner.name', 'name is required'],
    ['a negative budget', { budget: { usd: '-3', tokens: '' } }, 'budget.usd', 'the USD cap must be positive'],
    ['a fractional token cap', { budget: { usd: '', tokens: '1.5' } }, 'budget.tokens', 'Invalid input: expected int, received number'],
    ['an expiry without offset', { expires: '2026-12-01T00:00:00' }, 'expires', 'expires must be an ISO date-time, e.g. 2026-12-01T00:00:00Z'],
    ['a bad glob', { scope: { write: 'src/[', deny: '', protect: '' } }, 'scope.write[0]', ''],
    ['a bad id', { id: 'M-2026-1-1-x' }, 'id', 'id must look like `M-2026-11-21-ab12`'],
  ];
  for (const [what, over, path, message] of cases) {
    it(`${what}: ${path}`, () => {
      const ev = evaluateForm(fields, validValues(over), FILE, []);
      assert.deepEqual(ev.problems.map((p) => [p.path, p.message]), cliMessages(ev.yaml));
      const p = ev.problems.find((x) => x.path === path);
      assert.ok(p, `no problem at ${path}: ${JSON.stringify(ev.problems)}`);
      if (message) assert.equal(p.message, message);
      else assert.match(p.message, /^bad glob `src\/\[`/);
      assert.equal(ev.mission, undefined);
    });
  }

  it('a valid form has no problems and yields the mission', () => {
    const ev = evaluateForm(fields, validValues(), FILE, []);
    assert.deepEqual(ev.problems, []);
    assert.equal(ev.mission?.id, 'M-2026-11-21-ab12');
  });
});
