import { strict as assert } from 'node:assert';
import { pathClassifier } from '../../../src/core/policy/pathClassifier';
import { EXAMPLE_POLICY, policy } from './builders';

describe('policy: Explorer path classes', () => {
  const p = policy(EXAMPLE_POLICY, ['version: 1\nmode: build\npaths:\n  write: ["src/api/**"]\n', 'mission']);
  const c = pathClassifier(p);

  it('marks denied files and everything inside a denied directory, naming the rule', () => {
    assert.deepEqual(
      ['.env', 'config/.env.local', 'secrets', 'secrets/deep/key.txt', 'certs/server.pem'].map((f) => c.classify(f)?.kind),
      ['denied', 'denied', 'denied', 'denied', 'denied']);
    assert.equal(c.classify('secrets/x')?.rule.key, 'paths.deny[1]');
    assert.equal(c.classify('secrets/x')?.rule.line, 4);
  });

  it('marks protected paths, then paths outside the mission scope, and leaves the rest alone', () => {
    assert.equal(c.classify('.github/workflows/ci.yml')?.kind, 'protected');
    assert.equal(c.classify('src/ui/app.ts')?.kind, 'outsideScope');
    assert.equal(c.classify('src/ui/app.ts')?.rule.layer, 'mission');
    assert.equal(c.classify('src/api/handler.ts'), undefined);
  });

  it('without a mission, the workspace write scope is not painted over the whole repo', () => {
    assert.equal(pathClassifier(policy(EXAMPLE_POLICY)).classify('README.md'), undefined);
  });
});
