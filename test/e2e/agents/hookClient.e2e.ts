// The fail-closed hook client (sh + curl) that Gemini CLI and Codex run before every tool call,
// against a real lane's hook server opened in this process. The CLIs treat most hook failures
// as "allow", so every way this can go wrong must come out as exit 2 with a reason on stderr.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLane, type Lane } from '../../../src/core/session/lane';
import { initShellParser } from '../../../src/core/shell';
import { POLICY } from '../lane/common';

interface HookRun { status: number | null; stdout: string; stderr: string }

// Asynchronous on purpose: the broker answering the hook lives in this process's event loop.
function runHook(command: string, payload: string, env: NodeJS.ProcessEnv = process.env): Promise<HookRun> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(payload);
  });
}

function hookCommand(lane: Lane, kind: 'gemini' | 'codex'): string {
  if (kind === 'gemini') {
    const s = JSON.parse(fs.readFileSync(lane.settingsFile, 'utf8')) as { hooks: { BeforeTool: Array<{ hooks: Array<{ command: string }> }> } };
    return s.hooks.BeforeTool[0].hooks[0].command;
  }
  const toml = fs.readFileSync(lane.settingsFile, 'utf8');
  return JSON.parse(/\[\[hooks\.PreToolUse\.hooks\]\][^[]*?command = (".*")/.exec(toml)?.[1] ?? '""') as string;
}

for (const kind of ['gemini', 'codex'] as const) {
  describe(`${kind}: the fail-closed hook client against a real lane`, function () {
    this.timeout(60_000);
    let root: string;
    let ws: string;
    let lane: Lane;
    let command: string;

    const payload = (toolName: string, toolInput: unknown): string => JSON.stringify(kind === 'gemini'
      ? { session_id: 'g-1', transcript_path: '', cwd: ws, hook_event_name: 'BeforeTool', timestamp: new Date(0).toISOString(), tool_name: toolName, tool_input: toolInput }
      : { session_id: 'c-1', turn_id: 't-1', transcript_path: null, cwd: ws, hook_event_name: 'PreToolUse', model: 'gpt-5.5', permission_mode: 'bypassPermissions', tool_name: toolName, tool_input: toolInput, tool_use_id: `call_${Math.random()}` });
    const readEnv = (): string => kind === 'gemini' ? payload('read_file', { file_path: path.join(ws, '.env') }) : payload('Bash', { command: `cat ${path.join(ws, '.env')}` });
    const readReadme = (): string => kind === 'gemini' ? payload('read_file', { file_path: path.join(ws, 'README.md') }) : payload('Bash', { command: `cat ${path.join(ws, 'README.md')}` });

    before(async () => {
      await initShellParser();
      root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `al-hc-${kind}-`));
      ws = path.join(root, 'ws');
      fs.mkdirSync(path.join(ws, '.agentlane'), { recursive: true });
      // The hook client is driven from this process, on the host: the `sandbox: off` path. Inside
      // the box the same client runs through the relay (lane.e2e.ts runs the real CLIs there).
      fs.writeFileSync(path.join(ws, '.agentlane/policy.yaml'), `${POLICY}sandbox: off\n`);
      fs.writeFileSync(path.join(ws, 'README.md'), 'readme\n');
      fs.writeFileSync(path.join(ws, '.env'), 'SECRET=1\n');
      lane = await openLane({
        workspaceRoot: ws, managedFile: false, traceDir: path.join(root, 'traces'),
        supervisor: { name: 'Sam', email: 'sam@example.com' }, agent: { name: kind, version: 'test' },
        extensionVersion: 'test', privateDir: root, agentKind: kind, hookTimeoutSeconds: 30,
      });
      command = hookCommand(lane, kind);
    });
    after(async () => {
      await lane?.close('test over', 0);
      if (process.env.KEEP_E2E !== '1') fs.rmSync(root, { recursive: true, force: true });
    });

    it('an allowed call exits 0 and prints nothing (Codex treats any answer as a hook failure)', async () => {
      const r = await runHook(command, readReadme());
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
    });

    it('a denied call exits 2 with the policy reason on stderr', async () => {
      const r = await runHook(command, readEnv());
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^Agent Lane: .*\.env/);
      assert.equal(r.stdout, '');
    });

    it('a payload that is not this CLI\'s dialect is denied with the reason', async () => {
      for (const body of ['{}', '[]', 'not json', JSON.stringify({ hook_event_name: 'BeforeTool', tool_name: 'x' })]) {
        const r = await runHook(command, body);
        assert.equal(r.status, 2, body);
        assert.ok(r.stderr.trim().length > 0, `empty stderr for ${body} (the CLI would fail open)`);
      }
    });

    it('a wrong token is denied (the broker refuses, the client denies)', async () => {
      const hooks = path.join(lane.sessionDir, 'agent-hooks');
      const header = path.join(hooks, 'auth-header');
      const good = fs.readFileSync(header, 'utf8');
      try {
        fs.writeFileSync(header, 'Authorization: Bearer wrong\n');
        const r = await runHook(command, readReadme());
        assert.equal(r.status, 2);
        assert.match(r.stderr, /gave no decision/);
      } finally {
        fs.writeFileSync(header, good);
      }
    });

    it('curl missing from PATH is a deny, not a failure', async () => {
      const r = await runHook(command, readReadme(), { PATH: '/nonexistent' });
      assert.equal(r.status, 2);
      assert.ok(r.stderr.trim().length > 0);
    });

    it('the token is in a 0600 file, not on the command line', () => {
      assert.ok(!command.includes(lane.server.token));
      const header = path.join(lane.sessionDir, 'agent-hooks', 'auth-header');
      assert.equal(fs.statSync(header).mode & 0o077, 0);
    });

    it('broker gone (lane closed) ⇒ every call is denied', async () => {
      await lane.close('test: broker gone', 0);
      const r = await runHook(command, readReadme());
      assert.equal(r.status, 2);
      assert.match(r.stderr, /Agent Lane: /);
    });
  });
}
