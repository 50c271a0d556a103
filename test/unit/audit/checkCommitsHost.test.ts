/**
 * check-commits against host-side evidence: commits observed by the lane's ref watcher
 * (`commit.observed`, written here with the real TraceWriter the way the watcher records them)
 * on real git commits made by paths the git hooks never see — plumbing, cherry-pick, a script.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkCommitsCommand } from '../../../src/cli/checkCommits';
import type { CommitVerdict } from '../../../src/core/git/checkCommits';
import { openSink } from '../../../src/core/ledger/openSink';
import { LedgerSync } from '../../../src/core/ledger/sync';
import { startTestPostgresOrSkip, type TestPostgres } from '../../support/postgres';
import { GitRepo } from './gitRepo';
import { memoryIo, readLines, rehashFrom, SessionBuilder, tempDir, writeLines } from './traceBuilder';

const ANA_BY = 'Ana Auditor <ana@example.com>';

function observed(b: SessionBuilder, c: { sha: string; tree: string; parent: string }, ack: { id: string; by: string } | null): void {
  b.inputs.push({
    event: 'commit.observed', actor: 'system', commit_sha: c.sha, tree: c.tree, parents: [c.parent], ref: 'refs/heads/main',
    ack_id: ack?.id ?? null, ack_by: ack?.by ?? null, acknowledged: ack !== null,
  });
}

function acked(b: SessionBuilder, id: string, tree: string, by: string): void {
  b.inputs.push({ event: 'approval.requested', actor: 'agent', approval_id: id, tool_use_id: null, reason: 'commit waits for acknowledgement' });
  b.inputs.push({ event: 'approval.answered', actor: 'supervisor', approval_id: id, answer: 'allow-once', by, reason: null });
  b.ack(id, tree, by);
}

async function check(repo: GitRepo, range: string, ledger: string): Promise<{ code: number; verdicts: CommitVerdict[]; text: string }> {
  const io = memoryIo(repo.root);
  const code = await checkCommitsCommand([range, '--ledger', ledger, '--json'], io);
  const verdicts = io.stdout.length ? (JSON.parse(io.stdout.join('\n')) as { commits: CommitVerdict[] }).commits : [];
  return { code, verdicts, text: io.text() };
}

describe('check-commits with host observations', function () {
  this.timeout(120_000);
  let dir: string;
  let repo: GitRepo;
  let ledger: string;
  let base: string;
  const c: Record<string, { sha: string; tree: string; parent: string }> = {};

  before(async () => {
    dir = tempDir();
    repo = new GitRepo(path.join(dir, 'repo'));
    ledger = path.join(dir, 'ledger');
    base = repo.write('src/app.ts', 'v0\n').commit('base').sha;
    const make = (name: string, file: string, content: string): void => {
      const parent = repo.git('rev-parse', 'HEAD');
      repo.write(file, content);
      c[name] = { ...repo.commit(name), parent };
    };
    make('acked', 'src/app.ts', 'v1\n');
    // Plumbing, as a script inside the box would do it: no hook runs, no trailers.
    repo.write('src/app.ts', 'v2\n').git('add', '-A');
    const tree = repo.git('write-tree');
    const parent = repo.git('rev-parse', 'HEAD');
    const sha = repo.git('commit-tree', tree, '-p', parent, '-m', 'plumbing');
    repo.git('update-ref', 'refs/heads/main', sha);
    repo.git('reset', '-q', '--hard', sha);
    c.plumbing = { sha, tree, parent };
    make('forgedTrailers', 'src/b.ts', 'b\n');
    repo.git('commit', '-q', '--amend', '-m', `forged\n\nAgent-Lane-Session: S-watched\nAgent-Lane-Mission: none\nAgent-Lane-Trace: ${'ab'.repeat(32)}@3`);
    c.forgedTrailers = { ...c.forgedTrailers!, sha: repo.git('rev-parse', 'HEAD') };
    make('claimedOnly', 'src/c.ts', 'c\n');
    make('bySystem', 'src/d.ts', 'd\n');
    make('unrelated', 'docs/readme.md', 'r\n');

    const s = new SessionBuilder({ sessionId: 'S-watched' });
    s.inputs.push({ event: 'sandbox.status', actor: 'system', state: 'on', backend: 'bubblewrap', reason: 'policy default' });
    acked(s, 'K-1', c.acked!.tree, ANA_BY);
    s.commit(c.acked!.sha, c.acked!.tree, 'K-1');
    observed(s, c.acked!, { id: 'K-1', by: ANA_BY });
    observed(s, c.plumbing!, null);
    s.commit(c.claimedOnly!.sha, c.claimedOnly!.tree, null);
    acked(s, 'K-2', c.bySystem!.tree, 'system');
    observed(s, c.bySystem!, { id: 'K-2', by: 'system' });
    await s.end().write(path.join(ledger, 'S-watched.trace.jsonl'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const verdictOf = async (name: string): Promise<CommitVerdict> => {
    const r = await check(repo, `${c[name]!.sha}^!`, ledger);
    assert.equal(r.verdicts.length, 1, r.text);
    return r.verdicts[0]!;
  };

  it('passes a commit the host observed with a person\'s acknowledgement, even without trailers', async () => {
    const v = await verdictOf('acked');
    assert.equal(v.status, 'ok', v.reason);
    assert.match(v.reason, /observed by the host in session S-watched .*acknowledged by Ana Auditor/);
  });

  it('fails a plumbing commit the host observed unacknowledged, though it has no trailers and no protected path', async () => {
    const v = await verdictOf('plumbing');
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /made in supervised session S-watched .* without an acknowledgement/);
  });

  it('fails trailers that name a watched session when the host never saw the commit', async () => {
    const v = await verdictOf('forgedTrailers');
    assert.equal(v.status, 'fail');
    // The forged trailers also pin a head the trace does not have: that more specific reason
    // shows first; with trailers that check out, the host's silence fails it (next test's claim).
    assert.match(v.reason, /host never observed this commit: trailers are the agent's word|Agent-Lane-Trace pins head/);
  });

  it('does not take the agent\'s commit.recorded as evidence where the host watched', async () => {
    const v = await verdictOf('claimedOnly');
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /only the agent reports this commit/);
  });

  it('fails an observed acknowledgement that no person gave', async () => {
    const v = await verdictOf('bySystem');
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /only a person can/);
  });

  it('leaves commits the ledger knows nothing about to the trailer rules, and fails the range', async () => {
    assert.equal((await verdictOf('unrelated')).status, 'ok');
    const r = await check(repo, `${base}..HEAD`, ledger);
    assert.equal(r.code, 1);
    assert.deepEqual(r.verdicts.map((v) => v.status), ['ok', 'fail', 'fail', 'fail', 'fail', 'ok']);
  });

  describe('with a PostgreSQL ledger', () => {
    let pg: TestPostgres | undefined;
    before(async function () {
      pg = await startTestPostgresOrSkip(this);
      const sink = openSink(pg.url);
      await sink.init!();
      await new LedgerSync({ sink, stateDir: path.join(dir, 'pg-state') }).syncOnce(path.join(ledger, 'S-watched.trace.jsonl'));
      await sink.close();
    });
    after(async () => { await pg?.destroy(); });

    it('reads the same host observations back from the database', async () => {
      const r = await check(repo, `${base}..HEAD`, pg!.url);
      assert.equal(r.code, 1, r.text);
      assert.deepEqual(r.verdicts.map((v) => v.status), ['ok', 'fail', 'fail', 'fail', 'fail', 'ok']);
      assert.match(r.verdicts[1]!.reason, /without an acknowledgement/);
    });
  });

  it('fails a commit whose observation was relabelled and re-chained (no checkpoint to catch it)', async () => {
    const copy = path.join(dir, 'ledger-relabelled');
    mkdirSync(copy);
    const lines = readLines(path.join(ledger, 'S-watched.trace.jsonl'));
    const i = lines.findIndex((l) => l.includes(c.plumbing!.sha) && l.includes('commit.observed'));
    lines[i] = lines[i]!.replace('"acknowledged":false', '"acknowledged":false,"reported_by":"agent"');
    writeLines(path.join(copy, 'S-watched.trace.jsonl'), rehashFrom(lines, i));
    const v = (await check(repo, `${c.plumbing!.sha}^!`, copy)).verdicts[0]!;
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /not a valid trace event: the trace was edited/);
  });

  it('does not accept an acknowledgement from a trace that no longer verifies', async () => {
    const copy = path.join(dir, 'ledger-tampered');
    const file = path.join(copy, 'S-watched.trace.jsonl');
    const lines = readLines(path.join(ledger, 'S-watched.trace.jsonl'));
    mkdirSync(copy);
    writeFileSync(path.join(copy, 'checkpoints.log'), `${JSON.stringify({ session_id: 'S-watched', seq: lines.length - 1, head: (JSON.parse(lines.at(-1)!) as { hash: string }).hash })}\n`);
    // Someone re-chains the tail after flipping the plumbing commit to acknowledged: the pinned head catches it.
    const i = lines.findIndex((l) => l.includes(c.plumbing!.sha) && l.includes('commit.observed'));
    lines[i] = lines[i]!.replace('"acknowledged":false', '"acknowledged":true');
    writeLines(file, rehashFrom(lines, i));
    const v = (await check(repo, `${c.acked!.sha}^!`, copy)).verdicts[0]!;
    assert.equal(v.status, 'fail');
    assert.match(v.reason, /does not verify/);
  });
});
