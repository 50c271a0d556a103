import { strict as assert } from 'node:assert';
import { literalDirectory, pathClassifier } from '../../../src/core/policy/pathClassifier';
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

  it('says which folders hold denied or protected paths, deny first, without marking every folder', () => {
    const nested = pathClassifier(policy('version: 1\npaths:\n  deny: ["infra/prod/secrets/**", "**/*.key"]\n  protect: ["infra/prod/*.tf", ".github/workflows/**"]\n'));
    assert.equal(nested.contains('infra')?.kind, 'denied');
    assert.equal(nested.contains('infra')?.pattern, 'infra/prod/secrets/**');
    assert.equal(nested.contains('infra/prod')?.kind, 'denied');
    assert.equal(nested.contains('.github')?.kind, 'protected');
    assert.equal(nested.contains('.github')?.rule.key, 'paths.protect[1]');
    assert.equal(nested.contains('src'), undefined, 'a pattern that matches anywhere marks no folder');
    assert.equal(nested.contains('infrastructure'), undefined);
  });

  it('takes the literal directory of a pattern up to its first glob', () => {
    assert.deepEqual(['secrets/**', 'infra/prod/*.tf', './a/b/c.txt', '**/x', '*.pem', '.env', 'a/{b,c}/d'].map(literalDirectory),
      ['secrets', 'infra/prod', 'a/b', '', '', '', 'a']);
  });
});
