/**
 * The CLI as people install it: `npm pack` from this checkout, installed into an empty project
 * (no checkout, no dev dependencies), then the README's CI gate shell — the same text as
 * action.yml's step — run against fixture repositories with a pull-request-like range.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { cleanupTemp, gitEnv, gitOk, makeRepo, tempDir, writeFiles } from '../../unit/git/helpers';
import { actionStep, REPO_ROOT } from '../../support/ciGate';

interface Run { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const PackResult = z.array(z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) }));
const pkg = z.object({ name: z.string(), version: z.string() }).parse(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')));

/** A repository whose `main` is also `origin/main`, with the pull request's commits on top. */
async function pullRequest(...commits: Array<[message: string, files: Record<string, string>]>): Promise<string> {
  const repo = await makeRepo({ 'secure/key.txt': 'v1\n', 'src/app.ts': 'x\n' });
  await gitOk(repo, ['update-ref', 'refs/remotes/origin/main', 'HEAD']);
  for (const [message, files] of commits) {
    writeFiles(repo, files);
    await gitOk(repo, ['add', '-A']);
    await gitOk(repo, ['commit', '-q', '-m', message]);
  }
  return repo;
}

describe('the npm package and the CI gate', function () {
  this.timeout(300000);
  let tarball: string;
  let packed: string[];

  before(async () => {
    const dest = tempDir('agentlane-pack-');
    const r = await run('npm', ['pack', '--json', '--pack-destination', dest], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    const result = PackResult.parse(JSON.parse(r.stdout.slice(r.stdout.indexOf('['))));
    tarball = path.join(dest, result[0]!.filename);
    packed = result[0]!.files.map((f) => f.path);
  });
  after(() => cleanupTemp());

  it('packs the CLI, its wasm files and the extension, and no tests, fixtures or sources', () => {
    for (const needed of ['package.json', 'dist/cli.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-bash.wasm', 'dist/extension.js']) {
      assert.ok(packed.includes(needed), `${needed} missing from the tarball`);
    }
    const unwanted = packed.filter((f) => /^(test|src|bench|scripts)\//.test(f) || /fixtures|\.test\.|\.e2e\.|\.ts$|\.map$/.test(f));
    assert.deepEqual(unwanted, []);
  });

  it('installs into an empty project where `npx agentlane` prints the version and checks a range', async () => {
    const project = tempDir('agentlane-consumer-');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', tarball], project);
    assert.equal(install.code, 0, install.stderr);

    const version = await run('npx', ['agentlane', '--version'], project);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), pkg.version);

    const repo = await pullRequest(['harmless change', { 'src/app.ts': 'y\n' }]);
    const ledger = tempDir('agentlane-ledger-');
    const check = await run('npx', ['agentlane', 'check-commits', 'origin/main..HEAD', '--ledger', ledger, '--repo', repo], project, gitEnv());
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /1 commit\(s\): 1 ok, 0 failed/);
  });

  describe('the action.yml step, run as GitHub would run it', () => {
    async function gate(repo: string): Promise<Run> {
      const step = actionStep();
      const runnerTemp = tempDir('agentlane-runner-');
      const ledger = path.join(runnerTemp, 'ledger');
      mkdirSync(ledger);
      const script = path.join(runnerTemp, 'step.sh');
      writeFileSync(script, step.run);
      // GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
      return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], repo, gitEnv({
        RUNNER_TEMP: runnerTemp, AGENTLANE_PACKAGE: tarball, AGENTLANE_LEDGER: ledger, AGENTLANE_BASE_REF: 'main',
      }));
    }

    it('passes a pull request that leaves protected paths alone', async () => {
      const r = await gate(await pullRequest(['harmless change', { 'src/app.ts': 'y\n' }]));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
      assert.match(r.stdout, /1 commit\(s\): 1 ok, 0 failed/);
    });

    it('fails a later commit on a path an earlier commit of the same pull request unprotected', async () => {
      const policy = 'version: 1\nmode: build\npaths:\n  protect:\n    - config\n';
      const r = await gate(await pullRequest(['relax the policy', { '.agentlane/policy.yaml': policy }], ['edit the key', { 'secure/key.txt': 'stolen\n' }]));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /edit the key\s+FAIL\s+.*secure\/key\.txt/);
    });
  });
});
