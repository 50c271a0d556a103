/**
 * The CI gate on real commits made through a real lane, then tampered with the way a person
 * in a hurry (or an agent) would: reworded trailers, amended trees, edited traces.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkCommitsCommand } from '../../../src/cli/checkCommits';
import type { CommitVerdict } from '../../../src/core/git/checkCommits';
import {
  ADA, agentGitEnv, answerNextCommit, buildHookCli, cleanupTemp, git, gitOk, makeRepo, openTestLane, tempDir, writeFiles,
} from './helpers';

interface Run { code: number; out: string; err: string; verdicts: CommitVerdict[] }

async function check(repo: string, range: string, ledger: string, extra: string[] = []): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkCommitsCommand([range, '--ledger', ledger, '--repo', repo, '--json', ...extra], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: repo });
  const parsed = out.length ? (JSON.parse(out.join('\n')) as { commits: CommitVerdict[] }) : { commits: [] };
  return { code, out: out.join('\n'), err: err.join('\n'), verdicts: parsed.commits };
}

async function one(repo: string, rev: string, ledger: string): Promise<CommitVerdict> {
  const r = await check(repo, `${rev}^!`, ledger);
  assert.equal(r.verdicts.length, 1, r.err);
  return r.verdicts[0]!;
}

/** Rewrites HEAD's message outside any lane (no hooks), keeping its tree. */
async function rewordHead(repo: string, edit: (msg: string) => string): Promise<void> {
  const msg = await gitOk(repo, ['log', '-1', '--format=%B']);
  const file = path.join(tempDir('agentlane-msg-'), 'msg');
  writeFileSync(file, edit(msg));
  await gitOk(repo, ['commit', '-q', '--amend', '--no-verify', '-F', file]);
}

describe('check-commits', function () {
  this.timeout(60000);
  let repo: string;
  let traceDir: string;
  let initial: string;
  let acked: string;
  let bySystem: string;
  let sneaky: string;
  let harmless: string;
  let traceFile: string;

  before(async () => {
    await buildHookCli();
    repo = await makeRepo({ 'secure/key.txt': 'v1\n', 'src/app.ts': 'x\n' });
    initial = await gitOk(repo, ['rev-parse', 'HEAD']);
    const opened = await openTestLane(repo);
    const lane = opened.lane;
    traceDir = opened.traceDir;
    traceFile = lane.traceFile;
    const commit = async (files: Record<string, string>, msg: string, by: string | null, extra: string[] = []): Promise<string> => {
      writeFiles(repo, files);
      await gitOk(repo, ['add', ...Object.keys(files)]);
      if (by) void answerNextCommit(lane, { kind: 'allow-once', by });
      const r = await git(repo, ['commit', ...extra, '-m', msg], agentGitEnv(lane));
      assert.equal(r.code, 0, r.stderr);
      return gitOk(repo, ['rev-parse', 'HEAD']);
    };
    acked = await commit({ 'secure/key.txt': 'v2\n', 'src/app.ts': 'y\n' }, 'rotate the key', ADA);
    bySystem = await commit({ 'src/app.ts': 'z\n' }, 'auto-acked', 'system');
    sneaky = await commit({ 'secure/key.txt': 'v3\n' }, 'sneaky', null, ['--no-verify']);
    harmless = await commit({ 'src/other.ts': 'o\n' }, 'harmless', null, ['--no-verify']);
    await lane.close('test over', 0);
  });
  after(() => cleanupTemp());

  it('passes an acknowledged commit, even one that changes a protected path', async () => {
    const v = await one(repo, acked, traceDir);
    assert.equal(v.status, 'ok', v.reason);
    assert.equal(v.kind, 'acknowledged');
    assert.match(v.reason, /^acknowledged by Ada Lovelace <ada@example.com>/);
  });

  it('reports every commit of a range in order and fails the range when one fails', async () => {
    const r = await check(repo, `${initial}..${harmless}`, traceDir);
    assert.equal(r.code, 1);
    // `harmless` changed no protected path, but the host saw it made in the session without an ack.
    assert.deepEqual(r.verdicts.map((v) => [v.sha, v.status]), [[acked, 'ok'], [bySystem, 'fail'], [sneaky, 'fail'], [harmless, 'fail']]);
  });

  it('does not count an acknowledgement by `system`', async () => {
    const v = await one(repo, bySystem, traceDir);
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /acknowledged by `system`: the system cannot acknowledge a commit, only a person can/);
  });

  it('catches a --no-verify commit that changes a protected path, lets one that does not pass', async () => {
    const v = await one(repo, sneaky, traceDir);
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /^protected path changed without an acknowledged agent-lane trace: `secure\/key\.txt` \(paths\.protect `secure\/\*\*` in \.agentlane\/policy\.yaml@[0-9a-f]{12}\)$/);
    // Without trailers and off every protected path, it still fails: the host observed it being
    // made in the supervised session, unacknowledged (--no-verify skipped the hooks, not the host).
    const h = await one(repo, harmless, traceDir);
    assert.equal(h.status, 'fail');
    assert.match(h.reason, /^made in supervised session [0-9a-f-]{36} \(seq \d+, [^)]+\) without an acknowledgement \(observed by the host/);
  });

  it('fails a commit whose ack trailer was altered', async () => {
    await gitOk(repo, ['checkout', '-q', '-b', 'tampered-ack', acked]);
    await rewordHead(repo, (m) => m.replace(/^Agent-Lane-Ack: .*$/m, 'Agent-Lane-Ack: ap-000000000000'));
    const v = await one(repo, 'HEAD', traceDir);
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /has no commit\.ack `ap-000000000000` \(Agent-Lane-Ack altered\?\)/);
  });

  it('fails a commit whose Supervised-By names someone else', async () => {
    await gitOk(repo, ['checkout', '-q', '-b', 'tampered-by', acked]);
    await rewordHead(repo, (m) => m.replace(/^Supervised-By: .*$/m, 'Supervised-By: Mallory <m@example.com>'));
    const v = await one(repo, 'HEAD', traceDir);
    assert.match(v.reason, /Supervised-By `Mallory <m@example.com>` is not who acknowledged \(`Ada Lovelace <ada@example.com>`\)/);
  });

  it('fails a commit amended after the acknowledgement (tree mismatch)', async () => {
    await gitOk(repo, ['checkout', '-q', '-b', 'amended', acked]);
    writeFiles(repo, { 'src/app.ts': 'changed after the review\n' });
    await gitOk(repo, ['commit', '-q', '-a', '--amend', '--no-edit', '--no-verify']);
    const v = await one(repo, 'HEAD', traceDir);
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /^commit tree [0-9a-f]{12} is not the acknowledged tree [0-9a-f]{12}: the commit changed after the acknowledgement/);
  });

  it('fails when the pinned trace head is not in the chain', async () => {
    await gitOk(repo, ['checkout', '-q', '-b', 'bad-pin', acked]);
    await rewordHead(repo, (m) => m.replace(/^(Agent-Lane-Trace: )([0-9a-f]{64})@/m, (_all, k: string) => `${k}${'ab'.repeat(32)}@`));
    const v = await one(repo, 'HEAD', traceDir);
    assert.match(v.reason, /Agent-Lane-Trace pins head abababababab… at seq \d+, but the trace has [0-9a-f]{12}… there/);
  });

  it('fails when the trace was modified', async () => {
    const ledger = tempDir('agentlane-ledger-');
    const copy = path.join(ledger, path.basename(traceFile));
    const text = readFileSync(traceFile, 'utf8').replace('"ack_by":"Ada Lovelace <ada@example.com>"', '"ack_by":"Ada Lovelace <ada@example.org>"');
    writeFileSync(copy, text);
    const v = await one(repo, acked, ledger);
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /does not verify: line \d+ does not match its hash: it was changed after it was written \(first bad seq \d+\)/);
  });

  it('fails when the ledger does not have the session, and holds the trace to the ledger checkpoints', async () => {
    const empty = tempDir('agentlane-ledger-');
    assert.match((await one(repo, acked, empty)).reason, /^no trace for session [0-9a-f-]+ in /);

    const ledger = tempDir('agentlane-ledger-');
    copyFileSync(traceFile, path.join(ledger, path.basename(traceFile)));
    const sessionId = path.basename(traceFile, '.trace.jsonl');
    // A ledger that pinned a longer chain than the file now holds: the end was cut.
    writeFileSync(path.join(ledger, 'checkpoints.log'), `${JSON.stringify({ session_id: sessionId, seq: 999, head: 'cd'.repeat(32), ts: new Date().toISOString() })}\n`);
    const v = await one(repo, acked, ledger);
    assert.match(v.reason, /does not verify: .*events were cut from the end/);
  });

  it('judges a commit by its parent\'s policy too, so lifting a protection does not open it in the same commit', async () => {
    await gitOk(repo, ['checkout', '-q', '-b', 'lift', harmless]);
    writeFiles(repo, { '.agentlane/policy.yaml': 'version: 1\n', 'secure/key.txt': 'v4\n' });
    await gitOk(repo, ['commit', '-q', '-a', '--no-verify', '-m', 'lift and use']);
    const v = await one(repo, 'HEAD', traceDir);
    assert.match(v.reason, /protected path changed without an acknowledged agent-lane trace: `secure\/key.txt`/);
  });

  it('--policy pins extra protections for every commit', async () => {
    const pinned = path.join(tempDir('agentlane-pol-'), 'base.yaml');
    writeFileSync(pinned, 'version: 1\npaths:\n  protect: ["src/**"]\n');
    const r = await check(repo, `${harmless}^!`, traceDir, ['--policy', pinned]);
    assert.equal(r.code, 1);
    assert.match(r.verdicts[0]!.reason, /`src\/other.ts` \(paths.protect `src\/\*\*` in .*base.yaml\)/);
  });

  it('prints a table without --json, and fails closed (exit 2) when a database ledger is unreachable', async () => {
    const out: string[] = [];
    const code = await checkCommitsCommand([`${initial}..${harmless}`, '--ledger', traceDir, '--repo', repo], { out: (l) => out.push(l), err: () => undefined, cwd: repo });
    assert.equal(code, 1);
    assert.match(out[0]!, /^commit\s+subject\s+status\s+reason$/);
    assert.ok(out.some((l) => l.startsWith(sneaky.slice(0, 12)) && /\bFAIL\b/.test(l)));
    assert.equal(out.at(-1), '4 commit(s): 1 ok, 3 failed');
    const err: string[] = [];
    assert.equal(await checkCommitsCommand([`${acked}^!`, '--ledger', 'postgres://u@127.0.0.1:1/db'], { out: () => undefined, err: (l) => err.push(l), cwd: repo }), 2);
    assert.match(err.join('\n'), /unreachable/);
  });
});
