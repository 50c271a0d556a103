/**
 * The engine fails safe where the analyser cannot see: links and hard links already in the
 * workspace, Grep/Glob on a file, commands past the cost budget, git history in ship mode.
 * The workspace tests use a real directory (links are real files, not mocks).
 */
import * as assert from 'assert';
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { initShellParser } from '../../../src/core/shell';
import { makeGlobExpander, realpathOf } from '../../../src/core/policy/fsContext';
import { evaluate } from '../../../src/core/policy/evaluate';
import { EXAMPLE_POLICY, decide, policy } from './builders';

describe('policy: fails safe where the analyser cannot see', () => {
  before(() => initShellParser());

  describe('links already in the workspace', () => {
    let root: string;
    const p = policy(EXAMPLE_POLICY);
    const run = (command: string) => evaluate({ tool: 'Bash', input: { command }, cwd: root }, p, {
      workspaceRoot: root, home: '/home/dev', realpath: realpathOf, expandGlob: makeGlobExpander(),
    });

    beforeEach(() => {
      root = realpathSync(mkdtempSync(path.join(tmpdir(), 'al-failsafe-')));
      mkdirSync(path.join(root, 'src'));
      mkdirSync(path.join(root, 'docs'));
      writeFileSync(path.join(root, '.env'), 'TOKEN=x\n');
      writeFileSync(path.join(root, 'src', 'a.ts'), 'export {};\n');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('allows a recursive read of a directory with only ordinary files', () => {
      assert.strictEqual(run('grep -r TODO src').decision, 'allow');
    });

    it('denies a recursive read of a directory holding a symlink to a denied file', () => {
      symlinkSync('../.env', path.join(root, 'docs', 'notes.txt'));
      const e = run('grep -r TOKEN docs');
      assert.strictEqual(e.decision, 'deny');
      assert.match(e.reasons[0].message, /\.env/);
    });

    it('denies a recursive read of a directory holding a hard link (another name may be denied)', () => {
      linkSync(path.join(root, '.env'), path.join(root, 'docs', 'copy.txt'));
      assert.strictEqual(run('grep -r TOKEN docs').decision, 'deny');
    });

    it('judges a shell glob by the files it names now, links included', () => {
      assert.strictEqual(run('cat docs/*.txt src/*.ts').decision, 'allow');
      symlinkSync('../.env', path.join(root, 'docs', 'env.txt'));
      assert.strictEqual(run('cat docs/*.txt').decision, 'deny');
    });
  });

  it('reads /proc/self/root and /proc/self/cwd spellings in any tool as the path they name', () => {
    const p = policy(EXAMPLE_POLICY);
    assert.strictEqual(decide(p, 'Read', { file_path: '/proc/self/root/work/repo/.env' }).decision, 'deny');
    assert.strictEqual(decide(p, 'Read', { file_path: '/proc/self/cwd/secrets/api.key' }).decision, 'deny');
    assert.strictEqual(decide(p, 'Read', { file_path: '/proc/self/fd/../cwd/secrets/api.key' }).decision, 'deny');
  });

  describe('Grep and Glob', () => {
    const p = policy(EXAMPLE_POLICY);

    it('denies Grep whose path is a denied file, whatever its glob says', () => {
      assert.strictEqual(decide(p, 'Grep', { pattern: 'TOKEN', path: '.env' }).decision, 'deny');
      assert.strictEqual(decide(p, 'Grep', { pattern: 'x', path: 'secrets/api.key', glob: '*.ts' }).decision, 'deny');
      assert.strictEqual(decide(p, 'Grep', { pattern: 'x', path: 'src' }).decision, 'deny', 'src/** may hold a .env');
    });

    it('denies Glob whose path is a denied file, allows an ordinary listing', () => {
      assert.strictEqual(decide(p, 'Glob', { pattern: '*', path: 'secrets/api.key' }).decision, 'deny');
      assert.strictEqual(decide(p, 'Glob', { pattern: '**/*.ts', path: 'src' }).decision, 'allow');
    });
  });

  describe('bounded cost', () => {
    const p = policy(EXAMPLE_POLICY);

    it('denies a 1 MB pipeline at once, saying the command is over the size budget', () => {
      const command = Array.from({ length: 60000 }, (_, i) => `cat f${i}`).join(' | ');
      const e = decide(p, 'Bash', { command });
      assert.strictEqual(e.decision, 'deny');
      assert.match(e.reasons[0].message, /analyser reads at most \d+/);
    });

    it('denies a small command whose analysis would blow up, saying why', () => {
      const e = decide(p, 'Bash', { command: 'f(){ g; g; g; g; }; g(){ h; h; h; h; }; h(){ ls; ls; }; f; f; f' });
      assert.strictEqual(e.decision, 'deny');
      assert.match(e.reasons.map((r) => r.message).join('\n'), /functions are called more than \d+ times/);
      const parse = decide(p, 'Bash', { command: Array.from({ length: 900 }, (_, i) => `cat f${i}`).join(' | ') });
      assert.match(parse.reasons.map((r) => r.message).join('\n'), /budget/);
    });
  });

  describe('git history in ship mode', () => {
    const ship = policy(EXAMPLE_POLICY.replace('mode: build', 'mode: ship').replace('  ask: ["git commit*"]\n', ''));

    it('holds every history-writing subcommand, however git\'s global options are spelled', () => {
      for (const command of ['git --attr-source HEAD commit -m x', 'git -C . --namespace n commit -m x', 'git cherry-pick abc', 'git revert HEAD', 'git merge main', 'git stash', 'git reset --hard HEAD~1', 'git am x.mbox']) {
        assert.strictEqual(decide(ship, 'Bash', { command }).decision === 'allow', false, command);
      }
      assert.strictEqual(decide(ship, 'Bash', { command: 'git stash list' }).decision, 'allow');
      const build = policy(EXAMPLE_POLICY.replace('  ask: ["git commit*"]\n', ''));
      assert.strictEqual(decide(build, 'Bash', { command: 'git cherry-pick abc' }).decision, 'ask', 'commits.requireAck holds history written outside `git commit`');
      assert.strictEqual(decide(build, 'Bash', { command: 'git commit -m x' }).decision, 'allow', 'a plain commit goes through the ack hooks');
      assert.strictEqual(decide(ship, 'Bash', { command: 'git --attr-source HEAD log -1' }).decision, 'allow');
    });
  });
});
