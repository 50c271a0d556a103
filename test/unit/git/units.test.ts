/** The small pieces on their own: trailers, hook scripts, the env, the staged review. */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gitHookEnv, hookScript, installGitHooks, shellQuote } from '../../../src/core/git/hookScripts';
import { repoHookEnv } from '../../../src/core/git/chain';
import { laneTrailers, parseTrailers, supervisedByValue, writeTrailers } from '../../../src/core/git/trailers';
import { diffHash, parseNameStatus, stagedReview } from '../../../src/core/git/staged';
import { revList } from '../../../src/core/git/commits';
import { GitError } from '../../../src/core/git/errors';
import { notAPerson } from '../../../src/core/git/checkCommits';
import { cleanupTemp, gitEnv, gitOk, makeRepo, tempDir, writeFiles } from './helpers';

const HEAD = 'a'.repeat(64);

describe('git helpers', function () {
  this.timeout(30000);
  const saved = { ...process.env };
  before(() => {
    // The helpers inherit the process env (hooks need GIT_INDEX_FILE): isolate it from the machine.
    for (const k of Object.keys(process.env)) if (k.startsWith('GIT_')) delete process.env[k];
    Object.assign(process.env, gitEnv());
  });
  after(() => {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
    cleanupTemp();
  });

  it('quotes paths with spaces and quotes so sh runs exactly them', async () => {
    const dir = tempDir('agentlane-q-');
    const odd = path.join(dir, `it's "a" $dir`);
    const script = hookScript('pre-commit', '/bin/echo', odd, '/x/git-hooks');
    const file = path.join(dir, 'hook');
    writeFileSync(file, script, { mode: 0o755 });
    const out = await new Promise<string>((resolve, reject) => execFile(file, ['arg 1'], (e, so) => (e ? reject(e) : resolve(so))));
    assert.equal(out, `${odd} git-hook pre-commit arg 1\n`);
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
  });

  it('installs executable hooks and a private token; frequent hooks only when the repo has them', async () => {
    const sessionDir = tempDir('agentlane-s-');
    const h = await installGitHooks({ sessionDir, nodePath: '/n', cliPath: '/c.js', token: 'tok', existingRepoHooks: new Set(['post-index-change']) });
    assert.ok(h.hooks.includes('pre-commit') && h.hooks.includes('pre-push') && h.hooks.includes('post-index-change'));
    assert.ok(!h.hooks.includes('reference-transaction'));
    assert.equal(readFileSync(h.tokenFile, 'utf8'), 'tok\n');
  });

  it('appends core.hooksPath after existing GIT_CONFIG entries, and takes only ours out for the repo hook', () => {
    const base = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' };
    const env = gitHookEnv({ hooksDir: '/s/git-hooks', tokenFile: '/s/git-token' }, 'http://127.0.0.1:1', base);
    assert.deepEqual(env, {
      GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*', GIT_CONFIG_KEY_1: 'core.hooksPath', GIT_CONFIG_VALUE_1: '/s/git-hooks',
      GIT_CONFIG_COUNT: '2', AGENTLANE_HOOK_URL: 'http://127.0.0.1:1', AGENTLANE_HOOK_TOKEN_FILE: '/s/git-token',
    });
    assert.equal(gitHookEnv({ hooksDir: '/h', tokenFile: '/t' }, 'http://x', {}, 660).AGENTLANE_GIT_ACK_TIMEOUT, '660');
    const repoEnv = repoHookEnv({ ...env, AGENTLANE_GIT_HOOKS_DIR: '/s/git-hooks' }, '/s/git-hooks');
    assert.equal(repoEnv.GIT_CONFIG_COUNT, '1');
    assert.equal(repoEnv.GIT_CONFIG_KEY_1, undefined);
    assert.equal(repoEnv.AGENTLANE_HOOK_TOKEN_FILE, undefined);
    assert.equal(repoEnv.AGENTLANE_HOOK_URL, undefined);
  });

  it('writes the lane trailers idempotently and parses them back', async () => {
    const repo = await makeRepo();
    const file = path.join(tempDir('agentlane-m-'), 'MSG');
    writeFileSync(file, 'fix the parser\n\nLonger body.\n');
    const t = laneTrailers({ sessionId: 's-1', missionId: null, checkpoint: { head: HEAD, seq: 7 }, ack: { ackId: 'ap-1', by: 'Ada Lovelace' }, supervisor: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    await writeTrailers(repo, file, t);
    await writeTrailers(repo, file, t);
    const text = readFileSync(file, 'utf8');
    assert.equal(text, `fix the parser\n\nLonger body.\n\nAgent-Lane-Session: s-1\nAgent-Lane-Mission: none\nAgent-Lane-Trace: ${HEAD}@7\nSupervised-By: Ada Lovelace <ada@example.com>\nAgent-Lane-Ack: ap-1\n`);
    assert.deepEqual(await parseTrailers(repo, text), t);
  });

  it('completes Supervised-By from the supervisor only when the ack names them', () => {
    const sup = { name: 'Ada', email: 'a@x' };
    assert.equal(supervisedByValue('Ada', sup), 'Ada <a@x>');
    assert.equal(supervisedByValue('Bob <b@x>', sup), 'Bob <b@x>');
    assert.equal(supervisedByValue('Bob', sup), 'Bob');
    assert.ok(notAPerson('system'));
    assert.ok(notAPerson('approver:ci'));
    assert.equal(notAPerson('Ada <a@x>'), undefined);
  });

  it('reviews the staged state of an unborn branch, with a stable diff hash', async () => {
    const repo = tempDir('agentlane-unborn-');
    await gitOk(repo, ['init', '-q', '-b', 'main']);
    writeFiles(repo, { 'a.txt': 'a\n', 'dir/b.bin': '\0\x01binary' });
    await gitOk(repo, ['add', '-A']);
    const r1 = await stagedReview(repo);
    const r2 = await stagedReview(repo);
    assert.equal(r1.tree, await gitOk(repo, ['write-tree']));
    assert.deepEqual(r1.files, [{ status: 'A', path: 'a.txt' }, { status: 'A', path: 'dir/b.bin' }]);
    assert.equal(r1.diffHash, r2.diffHash);
    assert.equal(diffHash('x'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    assert.deepEqual(parseNameStatus('M\0a b\0D\0c\0'), [{ status: 'M', path: 'a b' }, { status: 'D', path: 'c' }]);
  });

  it('reports an unknown range as a typed error', async () => {
    const repo = await makeRepo();
    await assert.rejects(revList(repo, 'nope..HEAD'), (e: unknown) => GitError.is(e) && e.reason === 'unknown-revision');
    await assert.rejects(revList(repo, '--all'), (e: unknown) => GitError.is(e) && e.reason === 'unknown-revision');
  });
});
