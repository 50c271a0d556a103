import { strict as assert } from 'node:assert';
import { EXAMPLE_POLICY, HOME, ROOT, decide, policy } from './builders';

describe('policy: paths', () => {
  const p = policy(EXAMPLE_POLICY);

  it('denies reading a denied file and names the rule with its line', () => {
    const r = decide(p, 'Read', { file_path: `${ROOT}/.env` });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].rule, 'paths.deny[0]');
    assert.equal(r.reasons[0].layer, 'workspace');
    assert.equal(r.reasons[0].line, 4);
    assert.match(r.reasons[0].message, /reading `\.env` is denied by `\*\*\/\.env\*`/);
  });

  it('resolves `..`, `.`, duplicate slashes and `~` before matching', () => {
    for (const file_path of [`${ROOT}/src/../secrets/key`, `${ROOT}//secrets/./key`, 'src/../../repo/secrets/key', 'secrets/key']) {
      assert.equal(decide(p, 'Read', { file_path }).decision, 'deny', file_path);
    }
    const home = policy('version: 1\npaths:\n  deny: ["~/.ssh/**"]\n');
    assert.equal(decide(home, 'Read', { file_path: '~/.ssh/id_ed25519' }).decision, 'deny');
    assert.equal(decide(home, 'Read', { file_path: `${HOME}/.ssh/config` }).decision, 'deny');
  });

  it('denies everything inside a denied directory name', () => {
    const r = decide(policy('version: 1\npaths:\n  deny: ["**/.env*"]\n'), 'Read', { file_path: 'config/.env.d/prod' });
    assert.equal(r.decision, 'deny');
  });

  it('allows writes inside the write scope and denies them outside', () => {
    assert.equal(decide(p, 'Edit', { file_path: `${ROOT}/src/a.ts`, old_string: 'a', new_string: 'b' }).decision, 'allow');
    const r = decide(p, 'Write', { file_path: `${ROOT}/README.md`, content: 'x' });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].rule, 'paths.write');
    assert.match(r.reasons[0].message, /outside the write scope \(`src\/\*\*`, `test\/\*\*`\)/);
  });

  it('asks before writing a protected path', () => {
    const p2 = policy('version: 1\nmode: build\npaths:\n  protect: [".github/workflows/**"]\n');
    const r = decide(p2, 'Write', { file_path: `${ROOT}/.github/workflows/ci.yml`, content: 'x' });
    assert.equal(r.decision, 'ask');
    assert.equal(r.reasons[0].rule, 'paths.protect[0]');
    assert.equal(decide(p2, 'Read', { file_path: `${ROOT}/.github/workflows/ci.yml` }).decision, 'allow');
  });

  it('denies writes outside the workspace unless an absolute write glob names them', () => {
    assert.equal(decide(p, 'Write', { file_path: '/tmp/out.txt', content: '' }).decision, 'deny');
    const p2 = policy('version: 1\npaths:\n  write: ["src/**", "/tmp/**"]\n');
    assert.equal(decide(p2, 'Write', { file_path: '/tmp/out.txt', content: '' }).decision, 'allow');
    assert.equal(decide(p2, 'Write', { file_path: '/etc/passwd', content: '' }).decision, 'deny');
  });

  it('coach mode denies every write', () => {
    const r = decide(policy('version: 1\nmode: coach\n'), 'Write', { file_path: `${ROOT}/src/a.ts`, content: '' });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].rule, 'mode');
    assert.match(r.reasons[0].message, /coach mode is read-only/);
  });

  it('judges a symlinked path as its target too', () => {
    const r = decide(p, 'Read', { file_path: `${ROOT}/src/link` }, {
      realpath: (abs) => (abs === `${ROOT}/src/link` ? `${ROOT}/secrets/key` : abs),
    });
    assert.equal(r.decision, 'deny');
  });

  it('a recursive Grep over the root reads denied files; over src it does not', () => {
    assert.equal(decide(p, 'Grep', { pattern: 'KEY' }).decision, 'deny');
    const files = [`${ROOT}/src/a.ts`, `${ROOT}/src/b.ts`];
    const r = decide(p, 'Grep', { pattern: 'KEY', path: 'src' }, { expandGlob: () => files });
    assert.equal(r.decision, 'allow');
    const leaky = decide(p, 'Grep', { pattern: 'KEY', path: 'src' }, { expandGlob: () => [...files, `${ROOT}/src/.env.local`] });
    assert.equal(leaky.decision, 'deny');
  });

  it('Glob lists names only: allowed at the root, denied inside a denied directory', () => {
    assert.equal(decide(p, 'Glob', { pattern: '**/*.ts' }).decision, 'allow');
    assert.equal(decide(p, 'Glob', { pattern: '*', path: 'secrets' }).decision, 'deny');
  });
});

describe('policy: protected paths outside the write scope', () => {
  it('are held for approval, not denied (the v1 example: workflows next to write: [src/**])', () => {
    const r = decide(policy(EXAMPLE_POLICY), 'Write', { file_path: `${ROOT}/.github/workflows/ci.yml`, content: 'x' });
    assert.equal(r.decision, 'ask');
    assert.equal(r.reasons[0].rule, 'paths.protect[0]');
    assert.equal(r.reasons[0].line, 5);
  });
});
