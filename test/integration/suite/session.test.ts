/**
 * A supervised session inside real VS Code: the lane's hook server asks, the sidebar answers
 * (through the same message path the page uses), the broker decides, the trace records it;
 * and the Explorer decorations for the sample workspace.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi } from '../support/extension';
import { suiteInFixture, workspaceRoot } from '../support/workspace';

/** An "agent" that only waits: the test plays the agent over the hook channel itself. */
function fakeAgent(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentlane-it-agent-'));
  const file = path.join(dir, 'agent.sh');
  writeFileSync(file, '#!/bin/sh\nexec sleep 600\n');
  chmodSync(file, 0o755);
  return file;
}

async function preToolUse(url: string, token: string, body: Record<string, unknown>): Promise<{ decision: string; reason: string }> {
  const res = await fetch(`${url}/hook/pre-tool-use`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = (await res.json()) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
  return { decision: json.hookSpecificOutput.permissionDecision, reason: json.hookSpecificOutput.permissionDecisionReason };
}

async function useFakeAgent(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('agentLane');
  await cfg.update('agent.command', fakeAgent(), vscode.ConfigurationTarget.Global);
  // A stand-in script's name says nothing about which CLI it is: the setting does.
  await cfg.update('agent.kind', 'claude-code', vscode.ConfigurationTarget.Global);
  await cfg.update('approvals.notifications', false, vscode.ConfigurationTarget.Global);
}

suiteInFixture('basic', 'Supervised session', () => {
  suiteSetup(useFakeAgent);

  test('an approval answered from the sidebar reaches the broker and the agent', async () => {
    const api = await activatedApi();
    const session = await api.sessions.start();
    assert.ok(session, 'the session did not start');
    try {
      const lane = session.lane;
      const root = workspaceRoot().fsPath;
      const ask = (id: string) => preToolUse(lane.server.url, lane.server.token, {
        session_id: lane.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_use_id: id, cwd: root,
        tool_input: { file_path: path.join(root, '.github/workflows/ci.yml'), content: 'on: push\n' },
      });
      const approved = new Promise<string>((resolve) => {
        const d = api.sessions.onDidRequestApproval((a) => { d.dispose(); resolve(a.id); });
      });
      const first = ask('toolu_it_1');
      const id = await approved;
      await api.surfaces.sidebarMessage({ type: 'answerApproval', approvalId: id, answer: 'allow-once' });
      assert.equal((await first).decision, 'allow');

      const denied = new Promise<string>((resolve) => {
        const d = api.sessions.onDidRequestApproval((a) => { d.dispose(); resolve(a.id); });
      });
      const second = ask('toolu_it_2');
      await api.surfaces.sidebarMessage({ type: 'answerApproval', approvalId: await denied, answer: 'deny', reason: 'not in this mission' });
      const r = await second;
      assert.equal(r.decision, 'deny');
      assert.match(r.reason, /not in this mission/);

      // A page cannot answer an approval that is not pending: nothing reaches the broker.
      await api.surfaces.sidebarMessage({ type: 'answerApproval', approvalId: id, answer: 'allow-once' });
      const trace = readFileSync(lane.traceFile, 'utf8');
      const answers = trace.split('\n').filter((l) => l.includes('"approval.answered"'));
      assert.equal(answers.length, 2);
      assert.ok(trace.includes('"decision":"allow"') && trace.includes('"decision":"deny"'));
    } finally {
      await api.sessions.stop();
    }
    assert.equal(api.sessions.active, undefined);
  });

  test('a double start opens one sandboxed session, not two', async () => {
    const api = await activatedApi();
    const [a, b] = await Promise.all([api.sessions.start(), api.sessions.start()]);
    try {
      assert.ok(a && b, 'the session did not start');
      assert.equal(a.lane.sessionId, b.lane.sessionId);
      assert.equal(a.lane.sandbox.state, 'on', 'the agent is not sandboxed');
    } finally {
      await api.sessions.stop();
    }
  });

  test('a denied read is denied over the hook channel with the rule', async () => {
    const api = await activatedApi();
    const session = await api.sessions.start();
    assert.ok(session);
    try {
      const root = workspaceRoot().fsPath;
      const r = await preToolUse(session.lane.server.url, session.lane.server.token, {
        session_id: session.lane.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_use_id: 'toolu_it_3', cwd: root,
        tool_input: { file_path: path.join(root, '.env') },
      });
      assert.equal(r.decision, 'deny');
      assert.match(r.reason, /paths\.deny\[0\]/);
    } finally {
      await api.sessions.stop();
    }
  });

  test('Explorer decorations mark denied and protected paths with the rule, and leave the rest alone', async () => {
    const api = await activatedApi();
    await api.policy.whenLoaded();
    const root = workspaceRoot();
    const deco = (rel: string) => api.surfaces.decorations.provideFileDecoration(vscode.Uri.joinPath(root, rel));
    const env = deco('.env');
    assert.ok(env, '.env has no decoration');
    assert.match(env.tooltip ?? '', /paths\.deny\[0\]/);
    const key = deco('secrets/key.txt');
    assert.match(key?.tooltip ?? '', /paths\.deny\[1\]/);
    const workflow = deco('.github/workflows/ci.yml');
    assert.match(workflow?.tooltip ?? '', /Protected.*paths\.protect\[0\]/);
    assert.notEqual(env.badge, workflow?.badge);
    assert.equal(deco('src/index.ts'), undefined);
  });
});

suiteInFixture('basic', 'Commit acknowledgement', () => {
  suiteSetup(useFakeAgent);
  const git = (cwd: string, args: string[], env?: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile('git', args, { cwd, env: env ?? process.env }, (error, out, err) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: String(out), err: String(err) });
      });
    });

  test('an ack from the review panel lets the agent\'s commit through with trailers', async () => {
    const api = await activatedApi();
    const root = workspaceRoot().fsPath;
    const base = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.com', GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.com' };
    await git(root, ['init', '-q'], base);
    await git(root, ['add', '-A'], base);
    assert.equal((await git(root, ['commit', '-qm', 'initial'], base)).code, 0);
    const session = await api.sessions.start();
    assert.ok(session);
    try {
      writeFileSync(path.join(root, 'src/index.ts'), 'export const greeting = "hello, supervised world";\n');
      await git(root, ['add', 'src/index.ts'], base);
      const waiting = new Promise<string>((resolve) => {
        const d = api.sessions.onDidRequestApproval((a) => { if (a.kind === 'commit') { d.dispose(); resolve(a.id); } });
      });
      // The agent's git runs where the agent runs: in the session's box.
      const inBox = session.lane.boxCommand(['git', 'commit', '-m', 'Greet the supervised world']);
      assert.equal(session.lane.sandbox.state, 'on', 'the session is not sandboxed');
      const commit = new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(inBox.file, inBox.args, { cwd: root, env: { ...inBox.env, GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.com', GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.com' } }, (error, out, err) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: String(out), err: String(err) });
        });
      });
      const id = await waiting;
      const panel = await vscode.commands.executeCommand<{ receive(m: unknown): Promise<void> } | undefined>('agentLane.reviewCommit', id);
      assert.ok(panel, 'the review panel did not open');
      await panel.receive({ type: 'acknowledge', approvalId: id, note: 'reviewed in the panel' });
      const result = await commit;
      assert.equal(result.code, 0, result.err);
      const message = (await git(root, ['log', '-1', '--format=%B'], base)).out;
      for (const trailer of ['Agent-Lane-Session:', 'Agent-Lane-Mission:', 'Agent-Lane-Trace:', 'Supervised-By:', `Agent-Lane-Ack: ${id}`]) {
        assert.ok(message.includes(trailer), `missing ${trailer} in:\n${message}`);
      }
      const trace = readFileSync(session.lane.traceFile, 'utf8');
      assert.ok(trace.includes('"event":"commit.ack"') && trace.includes('reviewed in the panel'));
    } finally {
      await api.sessions.stop();
    }
  });
});
