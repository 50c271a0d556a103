/**
 * The whole path with real git: the lane installs core.hooksPath through the agent's env,
 * `git commit` waits for the supervisor, the commit carries the trailers, the trace records it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Lane } from '../../../src/core/session/lane';
import type { TraceEvent } from '../../../src/core/trace/schema';
import { checkCommitsCommand } from '../../../src/cli/checkCommits';
import {
  ADA, agentGitEnv, answerNextCommit, buildHookCli, cleanupTemp, git, gitOk, makeRepo, openTestLane, writeFiles, writeHook,
} from './helpers';

function traceEvents(lane: Lane): TraceEvent[] {
  return readFileSync(lane.traceFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceEvent);
}

async function trailersOf(repo: string, rev: string): Promise<Record<string, string>> {
  const out = await gitOk(repo, ['log', '-1', '--format=%(trailers:only,unfold)', rev]);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

describe('git hooks in a supervised lane', function () {
  this.timeout(60000);
  let repo: string;
  let lane: Lane;

  before(async () => {
    await buildHookCli();
    repo = await makeRepo();
    ({ lane } = await openTestLane(repo));
  });
  after(async () => {
    await lane?.close('test over', 0);
    cleanupTemp();
  });

  it('puts the hooks and the token in the private session dir and points git at them', async () => {
    const env = lane.agentEnv();
    const hooksDir = path.join(lane.sessionDir, 'git-hooks');
    const count = Number(env.GIT_CONFIG_COUNT);
    assert.equal(env[`GIT_CONFIG_KEY_${count - 1}`], 'core.hooksPath');
    assert.equal(env[`GIT_CONFIG_VALUE_${count - 1}`], hooksDir);
    assert.equal(env.AGENTLANE_HOOK_URL, lane.server.url);
    assert.equal(env.AGENTLANE_HOOK_TOKEN_FILE, path.join(lane.sessionDir, 'git-token'));
    assert.equal(statSync(env.AGENTLANE_HOOK_TOKEN_FILE!).mode & 0o777, 0o600);
    for (const h of ['pre-commit', 'commit-msg', 'post-commit']) assert.equal(statSync(path.join(hooksDir, h)).mode & 0o777, 0o755);
    assert.equal(await gitOk(repo, ['config', '--get', 'core.hooksPath'], agentGitEnv(lane)), hooksDir);
  });

  it('an acknowledged commit lands with the five trailers and is recorded in the trace', async () => {
    writeFiles(repo, { 'src/a.ts': 'export const a = 1;\n' });
    await gitOk(repo, ['add', 'src/a.ts'], agentGitEnv(lane));
    const tree = await gitOk(repo, ['write-tree']);
    const answered = answerNextCommit(lane, { kind: 'allow-once', by: ADA, note: 'looks good' });
    const r = await git(repo, ['commit', '-m', 'add a'], agentGitEnv(lane));
    assert.equal(r.code, 0, r.stderr);
    const pending = await answered;
    assert.equal(pending.commit?.tree, tree);
    assert.deepEqual(pending.commit?.files, [{ path: 'src/a.ts', status: 'A' }]);

    const sha = await gitOk(repo, ['rev-parse', 'HEAD']);
    const t = await trailersOf(repo, sha);
    const events = traceEvents(lane);
    const ack = events.find((e) => e.event === 'commit.ack');
    assert.ok(ack && ack.event === 'commit.ack');
    assert.equal(ack.tree, tree);
    assert.equal(ack.ack_by, ADA);
    assert.equal(t['Agent-Lane-Session'], lane.sessionId);
    assert.equal(t['Agent-Lane-Mission'], 'none');
    assert.equal(t['Supervised-By'], ADA);
    assert.equal(t['Agent-Lane-Ack'], ack.ack_id);
    const [head, seq] = t['Agent-Lane-Trace']!.split('@');
    const pinned = events.find((e) => e.seq === Number(seq));
    assert.equal(pinned?.hash, head);
    const recorded = events.find((e) => e.event === 'commit.recorded');
    assert.ok(recorded && recorded.event === 'commit.recorded');
    assert.equal(recorded.commit_sha, sha);
    assert.equal(recorded.ack_id, ack.ack_id);
  });

  it('writing the trailers twice keeps one copy of each (amend of a lane commit)', async () => {
    // Same tree, so the broker reuses its acknowledgement: no second review.
    const r = await git(repo, ['commit', '--amend', '-m', 'add a (reworded)'], agentGitEnv(lane));
    assert.equal(r.code, 0, r.stderr);
    const body = await gitOk(repo, ['log', '-1', '--format=%B']);
    assert.equal(body.match(/^Agent-Lane-Session:/gm)?.length, 1);
    assert.equal(body.match(/^Agent-Lane-Ack:/gm)?.length, 1);
    assert.match(body, /^add a \(reworded\)/);
  });

  it('changes requested: the commit is blocked with the reason and nothing is committed', async () => {
    const before = await gitOk(repo, ['rev-parse', 'HEAD']);
    writeFiles(repo, { 'src/b.ts': 'export const b = 2;\n' });
    await gitOk(repo, ['add', 'src/b.ts']);
    void answerNextCommit(lane, { kind: 'deny', by: ADA, reason: 'add a test' });
    const r = await git(repo, ['commit', '-m', 'add b'], agentGitEnv(lane));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Agent Lane: commit blocked: changes requested by Ada Lovelace <ada@example.com>: add a test/);
    assert.equal(await gitOk(repo, ['rev-parse', 'HEAD']), before);
    await gitOk(repo, ['reset', '-q', 'src/b.ts']);
  });

  it("runs the repository's own pre-commit hook first; its failure blocks before any review", async () => {
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    writeHook(hook, 'echo "repo hook ran" >> .git/repo-hook.log\nif git diff --cached --name-only | grep -qx BLOCK; then echo "repo hook: BLOCK present" >&2; exit 3; fi');
    writeFiles(repo, { BLOCK: 'x\n' });
    await gitOk(repo, ['add', 'BLOCK']);
    let asked = false;
    const sub = lane.broker.onDidChangeApprovals((p) => { if (p.length > 0) asked = true; });
    const blocked = await git(repo, ['commit', '-m', 'blocked by repo hook'], agentGitEnv(lane));
    sub.dispose();
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /repo hook: BLOCK present/);
    assert.equal(asked, false, 'the supervisor is not asked when the repository hook already failed');

    await gitOk(repo, ['rm', '-q', '--cached', 'BLOCK']);
    writeFiles(repo, { 'src/c.ts': 'export const c = 3;\n' });
    await gitOk(repo, ['add', 'src/c.ts']);
    void answerNextCommit(lane, { kind: 'allow-once', by: ADA });
    const ok = await git(repo, ['commit', '-m', 'add c'], agentGitEnv(lane));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(readFileSync(path.join(repo, '.git', 'repo-hook.log'), 'utf8'), 'repo hook ran\nrepo hook ran\n');
  });

  it('chains to a core.hooksPath the repository configures (commit-msg sees our trailers after its own edit)', async () => {
    await gitOk(repo, ['config', 'core.hooksPath', '.githooks']);
    writeHook(path.join(repo, '.githooks', 'commit-msg'), 'git interpret-trailers --in-place --trailer "Change-Id: I123" "$1"');
    writeFiles(repo, { 'src/d.ts': 'export const d = 4;\n' });
    await gitOk(repo, ['add', 'src/d.ts']);
    void answerNextCommit(lane, { kind: 'allow-once', by: ADA });
    const r = await git(repo, ['commit', '-m', 'add d'], agentGitEnv(lane));
    assert.equal(r.code, 0, r.stderr);
    const t = await trailersOf(repo, 'HEAD');
    assert.equal(t['Change-Id'], 'I123');
    assert.equal(t['Agent-Lane-Session'], lane.sessionId);
    await gitOk(repo, ['config', '--unset', 'core.hooksPath']);
  });

  it('a merge commit waits for the acknowledgement too (pre-merge-commit)', async () => {
    const main = await gitOk(repo, ['rev-parse', '--abbrev-ref', 'HEAD']);
    await gitOk(repo, ['checkout', '-q', '-b', 'side', 'HEAD~1']);
    writeFiles(repo, { 'src/side.ts': 'export const side = 1;\n' });
    await gitOk(repo, ['add', 'src/side.ts']);
    void answerNextCommit(lane, { kind: 'allow-once', by: ADA });
    assert.equal((await git(repo, ['commit', '-m', 'side'], agentGitEnv(lane))).code, 0);
    await gitOk(repo, ['checkout', '-q', main]);
    const answered = answerNextCommit(lane, { kind: 'allow-once', by: ADA });
    const r = await git(repo, ['merge', '--no-ff', '-m', 'merge side', 'side'], agentGitEnv(lane));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await answered).commit?.tree, await gitOk(repo, ['rev-parse', 'HEAD^{tree}']));
    assert.equal((await trailersOf(repo, 'HEAD'))['Supervised-By'], ADA);
  });

  it('git commit --no-verify still works at the git level (the engine denies it as a tool call)', async () => {
    writeFiles(repo, { 'secure/key.txt': 'x\n' });
    await gitOk(repo, ['add', 'secure/key.txt']);
    const r = await git(repo, ['commit', '--no-verify', '-m', 'sneaky'], agentGitEnv(lane));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await trailersOf(repo, 'HEAD'), {});
  });

  it('fails closed when the supervising session is unreachable', async () => {
    writeFiles(repo, { 'src/e.ts': 'export const e = 5;\n' });
    await gitOk(repo, ['add', 'src/e.ts']);
    const before = await gitOk(repo, ['rev-parse', 'HEAD']);
    await lane.server.close();
    const r = await git(repo, ['commit', '-m', 'add e'], agentGitEnv(lane));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Agent Lane: commit blocked: the supervising session is unreachable/);
    assert.equal(await gitOk(repo, ['rev-parse', 'HEAD']), before);
  });

  it('fails closed when the token file is gone (the session ended)', async () => {
    const env = agentGitEnv(lane);
    writeFileSync(env.AGENTLANE_HOOK_TOKEN_FILE!, '');
    const r = await git(repo, ['commit', '-m', 'add e'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Agent Lane: commit blocked: the supervising session is unreachable/);
  });
});

describe('git hooks when the policy does not require an acknowledgement', function () {
  this.timeout(60000);
  after(() => cleanupTemp());

  it('commits without waiting, links the trace without an ack, and check-commits still guards protected paths', async () => {
    const repo = await makeRepo({}, 'version: 1\nsandbox: off\npaths:\n  protect: ["secure/**"]\ncommits:\n  requireAck: false\n');
    const { lane, traceDir } = await openTestLane(repo);
    let asked = false;
    const sub = lane.broker.onDidChangeApprovals((p) => { if (p.length > 0) asked = true; });
    try {
      writeFiles(repo, { 'src/x.ts': 'x\n' });
      await gitOk(repo, ['add', '-A']);
      const r = await git(repo, ['commit', '-m', 'x'], agentGitEnv(lane));
      assert.equal(r.code, 0, r.stderr);
      writeFiles(repo, { 'secure/y.txt': 'y\n' });
      await gitOk(repo, ['add', '-A']);
      assert.equal((await git(repo, ['commit', '-m', 'y'], agentGitEnv(lane))).code, 0);
    } finally {
      sub.dispose();
      await lane.close('test over', 0);
    }
    assert.equal(asked, false);
    const t = await trailersOf(repo, 'HEAD~1');
    assert.deepEqual(Object.keys(t), ['Agent-Lane-Session', 'Agent-Lane-Mission', 'Agent-Lane-Trace']);
    const recorded = readFileSync(lane.traceFile, 'utf8').split('\n').filter((l) => l.includes('"commit.recorded"'));
    assert.equal(recorded.length, 2);

    const out: string[] = [];
    const code = await checkCommitsCommand(['HEAD~2..HEAD', '--ledger', traceDir, '--json'], { out: (l) => out.push(l), err: () => undefined, cwd: repo });
    const verdicts = (JSON.parse(out.join('\n')) as { commits: Array<{ status: string; kind: string; reason: string }> }).commits;
    assert.equal(code, 1);
    assert.deepEqual(verdicts.map((v) => [v.kind, v.status]), [['traced', 'ok'], ['traced', 'fail']]);
    assert.match(verdicts[1]!.reason, /^protected path changed without an acknowledgement \(the session did not require one\): `secure\/y.txt`/);
  });
});
