/** Real git repositories, a real hook CLI bundle and a real lane, in temp dirs. */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { openLane, type Lane } from '../../../src/core/session/lane';
import type { ApprovalAnswer, PendingApproval } from '../../../src/core/session/types';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const scratch: string[] = [];

export function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
  isolatedHome = undefined;
  cliBundle = undefined;
}

let isolatedHome: string | undefined;

/** The test process's env without git's hook-time variables, isolated from system and user config. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  isolatedHome ??= tempDir('agentlane-git-home-');
  const globalConfig = path.join(isolatedHome, 'gitconfig');
  writeFileSync(globalConfig, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && !k.startsWith('AGENTLANE_')) env[k] = v;
  return { ...env, HOME: isolatedHome, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: globalConfig, ...extra };
}

export interface GitRun { code: number; stdout: string; stderr: string }

export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnv()): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function gitOk(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await git(cwd, args, env);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

// These tests drive the git-hook protocol from the host (git run with the lane's env), which is
// the `sandbox: off` path; the same hooks inside the box are covered by test/e2e/sandbox and the
// integration suite's commit acknowledgement.
export const POLICY = `version: 1
mode: build
sandbox: off
paths:
  protect:
    - "secure/**"
    - config
`;

/** A repository with a user, a policy and one initial commit. */
export async function makeRepo(files: Record<string, string> = {}, policy = POLICY): Promise<string> {
  const repo = tempDir('agentlane-repo-');
  await gitOk(repo, ['init', '-q', '-b', 'main']);
  await gitOk(repo, ['config', 'user.name', 'Test Dev']);
  await gitOk(repo, ['config', 'user.email', 'dev@example.com']);
  writeFiles(repo, { '.agentlane/policy.yaml': policy, 'README.md': '# test\n', ...files });
  await gitOk(repo, ['add', '-A']);
  await gitOk(repo, ['commit', '-q', '-m', 'initial']);
  return repo;
}

/** An executable hook file. */
export function writeHook(file: string, body: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

let cliBundle: Promise<string> | undefined;

/**
 * The hook side as a real bundle: `node cli.js git-hook <name>`, built with esbuild's API
 * from src/cli/gitHook.ts (main.ts wires the same function). The directory name has a space
 * and a quote on purpose: the generated sh wrappers must quote it.
 */
export function buildHookCli(): Promise<string> {
  cliBundle ??= (async () => {
    const dir = path.join(tempDir('agentlane-cli-'), "it's a dir");
    mkdirSync(dir, { recursive: true });
    const outfile = path.join(dir, 'cli.js');
    await esbuild.build({
      stdin: {
        contents: `
          import { gitHookCommand } from ${JSON.stringify(path.join(REPO_ROOT, 'src/cli/gitHook.ts'))};
          const io = { out: (l: string) => process.stdout.write(l + '\\n'), err: (l: string) => process.stderr.write(l + '\\n'), cwd: process.cwd() };
          const [cmd, ...rest] = process.argv.slice(2);
          if (cmd !== 'git-hook') { process.stderr.write('test cli: only git-hook\\n'); process.exit(2); }
          gitHookCommand(rest, io).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e) + '\\n'); process.exitCode = 2; });
        `,
        resolveDir: REPO_ROOT,
        loader: 'ts',
        sourcefile: 'test-hook-cli.ts',
      },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent',
    });
    return outfile;
  })();
  return cliBundle;
}

export const ADA = 'Ada Lovelace <ada@example.com>';

export async function openTestLane(repo: string, opts: { withHooks?: boolean } = {}): Promise<{ lane: Lane; traceDir: string }> {
  const traceDir = tempDir('agentlane-traces-');
  const lane = await openLane({
    workspaceRoot: repo,
    managedFile: false,
    traceDir,
    supervisor: { name: 'Ada Lovelace', email: 'ada@example.com' },
    agent: { name: 'claude-code', version: 'test' },
    extensionVersion: 'test',
    durability: 'none',
    privateDir: tempDir('agentlane-private-'),
    cliPath: opts.withHooks === false ? undefined : await buildHookCli(),
  });
  return { lane, traceDir };
}

/** The env a git command in the agent's terminal would have. */
export function agentGitEnv(lane: Lane, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...gitEnv(), ...lane.agentEnv(), ...extra };
}

/** Answers the next pending commit approval; resolves with what was pending. */
export function answerNextCommit(lane: Lane, answer: ApprovalAnswer): Promise<PendingApproval> {
  return new Promise((resolve) => {
    const seen = new Set<string>();
    const sub = lane.broker.onDidChangeApprovals((pending) => {
      for (const a of pending) {
        if (a.kind !== 'commit' || seen.has(a.id)) continue;
        seen.add(a.id);
        sub.dispose();
        queueMicrotask(() => {
          lane.broker.answerApproval(a.id, answer);
          resolve(a);
        });
        return;
      }
    });
  });
}
