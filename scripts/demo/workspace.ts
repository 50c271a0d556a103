/**
 * The demo's sample repository, made fresh for every run: a tiny TypeScript project with a
 * greeting bug, a fake secret in `.env` and `secrets/`, a CI workflow, an Agent Lane policy and
 * a mission for today. Committed once by a demo developer identity, so the agent's commit is
 * the second one and `git log` tells the story.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Person {
  readonly name: string;
  readonly email: string;
}

/** Who is who in the demo. The supervisor is the mission's supervisor and the VS Code user. */
export const DEMO_PEOPLE = {
  developer: { name: 'Demo Developer', email: 'developer@demo.invalid' },
  intentOwner: { name: 'Dana Owner', email: 'dana.owner@demo.invalid' },
  supervisor: { name: 'Sam Supervisor', email: 'sam.supervisor@demo.invalid' },
  agent: { name: 'Claude (demo agent)', email: 'agent@demo.invalid' },
} as const satisfies Record<string, Person>;

export const DEMO_BUDGET_USD = 2;

/** The fake secret; the check asserts it never reached the model. */
export const DEMO_SECRET = 'demo-fake-secret-7f3a9c0b-not-real';

/** The buggy line and its fix; the fake model's Edit uses exactly these strings. */
export const APP_BUG = "  return `Helo, ${name}`;";
export const APP_FIX = "  return `Hello, ${name}!`;";
export const CI_NODE_OLD = '          node-version: 18';
export const CI_NODE_NEW = '          node-version: 22';

export interface DemoWorkspace {
  readonly dir: string;
  readonly missionId: string;
  /** Relative to the workspace (what `agentLane.autoStartSession` takes). */
  readonly missionFile: string;
}

function today(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

function files(missionId: string, now: Date): Record<string, string> {
  const expires = new Date(now.getTime() + 7 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { intentOwner, supervisor } = DEMO_PEOPLE;
  return {
    'README.md': [
      '# greeter',
      '',
      'A tiny sample project for the Agent Lane demo. `greet("Ada")` should return `Hello, Ada!`.',
      '',
    ].join('\n'),
    'package.json': `${JSON.stringify({ name: 'greeter', version: '1.0.0', private: true, scripts: { test: 'node --test test/' } }, null, 2)}\n`,
    '.gitignore': ['node_modules/', '.env', 'secrets/', ''].join('\n'),
    '.env': [
      '# Local development settings. Never share this file.',
      `PAYMENTS_API_KEY=${DEMO_SECRET}`,
      'DATABASE_URL=postgres://greeter:demo-password-not-real@localhost:5432/greeter',
      '',
    ].join('\n'),
    'secrets/api-key.txt': `${DEMO_SECRET}\n`,
    'src/app.ts': [
      '/** Greets someone by name. */',
      'export function greet(name: string): string {',
      APP_BUG,
      '}',
      '',
      'export function greetAll(names: readonly string[]): string[] {',
      '  return names.map(greet);',
      '}',
      '',
    ].join('\n'),
    'test/app.test.ts': [
      "import { strict as assert } from 'node:assert';",
      "import { test } from 'node:test';",
      "import { greet, greetAll } from '../src/app';",
      '',
      "test('greets by name', () => {",
      "  assert.equal(greet('Ada'), 'Hello, Ada!');",
      '});',
      '',
      "test('greets everyone', () => {",
      "  assert.deepEqual(greetAll(['Ada', 'Linus']), ['Hello, Ada!', 'Hello, Linus!']);",
      '});',
      '',
    ].join('\n'),
    '.github/workflows/ci.yml': [
      'name: ci',
      'on: [push, pull_request]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '        with:',
      CI_NODE_OLD,
      '      - run: npm ci',
      '      - run: npm test',
      '',
    ].join('\n'),
    // Commits are acknowledged in the review panel through the git hook (commits.requireAck),
    // so the shell rules do not also ask on `git commit`: the supervisor would answer twice.
    '.agentlane/policy.yaml': [
      '# Agent Lane policy for the demo repository (reviewed in git like code).',
      'version: 1',
      'mode: build',
      'paths:',
      '  deny: [".env*", "**/.env*", "secrets/**"]',
      '  protect: [".github/workflows/**"]',
      '  write: ["src/**", "test/**"]',
      'shell:',
      '  deny: ["git push*", "sudo *", "curl *", "wget *"]',
      '  allow: ["npm test", "git status*", "git diff*", "git add*", "git commit*", "git log*"]',
      '  otherwise: allow',
      '  unanalyzable: deny',
      'network:',
      '  otherwise: deny',
      'budget:',
      `  usd: ${DEMO_BUDGET_USD.toFixed(2)}`,
      'limits:',
      '  minutes: 30',
      '  toolCalls: 60',
      'commits:',
      '  requireAck: true',
      '',
    ].join('\n'),
    [`.agentlane/missions/${missionId}.yaml`]: [
      'version: 1',
      `id: ${missionId}`,
      'title: Fix the greeting bug',
      'outcome: greet("Ada") returns "Hello, Ada!" and the unit tests pass',
      `intentOwner: { name: ${intentOwner.name}, email: ${intentOwner.email} }`,
      'supervisors:',
      `  - { name: ${supervisor.name}, email: ${supervisor.email} }`,
      'mode: build',
      // The mission may touch CI; the workspace policy still protects it (an approval).
      'scope:',
      '  write: ["src/**", "test/**", ".github/workflows/**"]',
      'budget:',
      `  usd: ${DEMO_BUDGET_USD}`,
      'limits:',
      '  minutes: 30',
      '  toolCalls: 40',
      `expires: ${expires}`,
      'acceptance: npm test',
      'classification: internal',
      'risk: low',
      'attribution:',
      '  team: greeter',
      '  valueStream: demo',
      '  costCenter: CC-0000',
      '',
    ].join('\n'),
  };
}

function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // No user or system git config leaks in: the demo must look the same on every machine.
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
  });
}

/** Writes the sample repository into `dir` (which must not exist or be empty) and commits it. */
export function createDemoWorkspace(dir: string, now = new Date()): DemoWorkspace {
  const missionId = `M-${today(now)}-demo`;
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files(missionId, now))) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  fs.chmodSync(path.join(dir, '.env'), 0o600);
  git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  // The repository's own identity is the agent's: its commits come from the agent's terminal.
  git(dir, ['config', 'user.name', DEMO_PEOPLE.agent.name]);
  git(dir, ['config', 'user.email', DEMO_PEOPLE.agent.email]);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  git(dir, ['add', '-A']);
  const { developer } = DEMO_PEOPLE;
  git(dir, ['commit', '--quiet', '-m', 'Initial commit: greeter with an Agent Lane policy and a mission'], {
    GIT_AUTHOR_NAME: developer.name, GIT_AUTHOR_EMAIL: developer.email,
    GIT_COMMITTER_NAME: developer.name, GIT_COMMITTER_EMAIL: developer.email,
  });
  return { dir, missionId, missionFile: `.agentlane/missions/${missionId}.yaml` };
}

export function gitLog(dir: string, format = '%h %an: %s'): string {
  return git(dir, ['log', `--format=${format}`]);
}

/** The full message (with trailers) of HEAD. */
export function headMessage(dir: string): string {
  return git(dir, ['log', '-1', '--format=%B']);
}

export function commitCount(dir: string): number {
  return Number(git(dir, ['rev-list', '--count', 'HEAD']).trim());
}
