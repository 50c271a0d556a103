// Scenario 11: hostile traffic on the lane's hook server (in-process, no CLI needed). The hook
// endpoint is reachable from the agent's process, so it must refuse everything that does not
// carry this session's token and name this session, and answer garbage with an explicit deny.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLane, type Lane } from '../../../src/core/session/lane';
import { initShellParser } from '../../../src/core/shell';
import { HOOK_ROUTES } from '../../../src/core/agents/claude-code/settings';
import { verifyTraceFile } from '../../../src/core/trace/verify';
import { parseTrace } from '../support/lane';
import { POLICY } from './common';

interface Reply { status: number; body: unknown }

async function post(url: string, body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Reply> {
  const res = await fetch(url, { method, body: method === 'GET' ? undefined : body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

function preDecision(r: Reply): { decision: string; reason: string } {
  const out = (r.body as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } }).hookSpecificOutput;
  return { decision: out?.permissionDecision ?? '(none)', reason: out?.permissionDecisionReason ?? '' };
}

describe('lane: hostile traffic on the hook server', function () {
  this.timeout(30_000);
  let root: string;
  let lane: Lane;
  let url: string;
  let auth: Record<string, string>;

  const payload = (over: Record<string, unknown> = {}): string => JSON.stringify({
    session_id: lane.sessionId, transcript_path: path.join(root, 'transcript.jsonl'), cwd: path.join(root, 'ws'),
    permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Read',
    tool_input: { file_path: path.join(root, 'ws', 'README.md') }, tool_use_id: 'toolu_h_1', ...over,
  });

  before(async () => {
    await initShellParser();
    root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'al-hook-'));
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, '.agentlane'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.agentlane/policy.yaml'), POLICY);
    fs.writeFileSync(path.join(ws, 'README.md'), 'readme\n');
    lane = await openLane({
      workspaceRoot: ws, managedFile: false, traceDir: path.join(root, 'traces'),
      supervisor: { name: 'Sam', email: 'sam@example.com' }, agent: { name: 'claude-code', version: 'test' },
      extensionVersion: 'test', privateDir: root,
    });
    url = `${lane.server.url}${HOOK_ROUTES.PreToolUse}`;
    auth = { authorization: `Bearer ${lane.server.token}` };
  });
  after(async () => {
    await lane?.close('test over', 0);
    if (process.env.KEEP_E2E !== '1') fs.rmSync(root, { recursive: true, force: true });
  });

  it('the settings point at the box\'s relay to this server, hold no secret, and fail closed', () => {
    const text = fs.readFileSync(lane.settingsFile, 'utf8');
    const s = JSON.parse(text) as { hooks: Record<string, Array<{ hooks: Array<Record<string, unknown>> }>> };
    const h = s.hooks.PreToolUse?.[0]?.hooks[0];
    assert.equal(lane.sandbox.state, 'on');
    assert.equal(h?.url, `http://127.0.0.1:47011${HOOK_ROUTES.PreToolUse}`);
    assert.equal(h?.onFailure, 'block');
    assert.deepEqual(h?.headers, {}, 'inside the box the channel is the credential: no token to steal');
    assert.ok(!text.includes(lane.server.token), 'the host listener\'s token is in the box\'s settings');
    assert.equal(fs.statSync(lane.settingsFile).mode & 0o222, 0, 'the settings are writable');
  });

  it('a well-formed call is decided and traced (control)', async () => {
    const r = await post(url, payload(), auth);
    assert.equal(r.status, 200);
    assert.equal(preDecision(r).decision, 'allow');
  });

  it('no token → 401', async () => {
    const r = await post(url, payload({ tool_use_id: 'toolu_h_notoken' }));
    assert.equal(r.status, 401);
  });

  it('wrong token → 401 (also a prefix of the right one, and another scheme)', async () => {
    for (const value of ['Bearer wrong', `Bearer ${lane.server.token.slice(0, -1)}`, `Basic ${lane.server.token}`, `bearer ${lane.server.token}`]) {
      const r = await post(url, payload({ tool_use_id: 'toolu_h_badtoken' }), { authorization: value });
      assert.equal(r.status, 401, value);
    }
  });

  it('GET → 405', async () => {
    const r = await post(url, '', auth, 'GET');
    assert.equal(r.status, 405);
  });

  it('wrong session_id → deny naming both sessions', async () => {
    const r = await post(url, payload({ session_id: 'other-session-123', tool_use_id: 'toolu_h_session' }), auth);
    assert.equal(r.status, 200);
    const d = preDecision(r);
    assert.equal(d.decision, 'deny');
    assert.match(d.reason, /hook call for session `other-session-123`, but this lane supervises `[0-9a-f-]{36}`/);
  });

  it('malformed JSON → deny "malformed hook payload"', async () => {
    for (const body of ['{"session_id":', 'not json at all', '']) {
      const r = await post(url, body, auth);
      assert.equal(r.status, 200, body);
      const d = preDecision(r);
      assert.equal(d.decision, 'deny', body);
      assert.match(d.reason, /^Agent Lane: malformed hook payload/, body);
    }
  });

  it('JSON that is not a payload (array, null, missing tool_name, empty tool_name) → deny', async () => {
    const cases: Array<[string, RegExp]> = [
      ['[]', /malformed hook payload/],
      ['null', /malformed hook payload/],
      [JSON.stringify({ session_id: 'x' }), /malformed hook payload/],
      [payload({ tool_name: undefined, tool_use_id: 'toolu_h_noname' }), /malformed hook payload: tool_name/],
      [payload({ tool_name: '', tool_use_id: 'toolu_h_emptyname' }), /malformed hook payload: tool_name/],
      [payload({ tool_use_id: undefined }), /malformed hook payload: tool_use_id/],
      [payload({ hook_event_name: 'PostToolUse', tool_use_id: 'toolu_h_event' }), /malformed hook payload: hook_event_name/],
    ];
    for (const [body, want] of cases) {
      const r = await post(url, body, auth);
      assert.equal(r.status, 200, body);
      const d = preDecision(r);
      assert.equal(d.decision, 'deny', body);
      assert.match(d.reason, want, body);
    }
  });

  it('a malformed tool input or an unknown tool → deny with the builtin rule', async () => {
    const bad = preDecision(await post(url, payload({ tool_input: { path: 'README.md' }, tool_use_id: 'toolu_h_badinput' }), auth));
    assert.equal(bad.decision, 'deny');
    assert.match(bad.reason, /malformed `Read` input: file_path/);
    const unknown = preDecision(await post(url, payload({ tool_name: 'Teleport', tool_input: {}, tool_use_id: 'toolu_h_unknown' }), auth));
    assert.equal(unknown.decision, 'deny');
    assert.match(unknown.reason, /unknown tool `Teleport`/);
  });

  it('reading the session settings through the hook channel is denied (self-protection)', async () => {
    const d = preDecision(await post(url, payload({ tool_input: { file_path: lane.settingsFile }, tool_use_id: 'toolu_h_settings' }), auth));
    assert.equal(d.decision, 'deny');
    assert.match(d.reason, /supervision settings/);
    const cat = preDecision(await post(url, payload({ tool_name: 'Bash', tool_input: { command: `cat ${lane.settingsFile}` }, tool_use_id: 'toolu_h_settings_cat' }), auth));
    assert.equal(cat.decision, 'deny');
  });

  it('no route answers approvals; unknown routes → 404', async () => {
    for (const route of ['/approve', '/hook/approve', '/approval/answer']) {
      const r = await post(`${lane.server.url}${route}`, JSON.stringify({ id: 'x', answer: 'allow-once' }), auth);
      assert.equal(r.status, 404, route);
    }
  });

  it('only the authenticated, well-formed calls reached the trace, and it verifies', async () => {
    await lane.close('test over', 0);
    const ok = await verifyTraceFile(lane.traceFile, { schema: 'all' });
    assert.ok(ok.ok, JSON.stringify(ok));
    const ids = parseTrace(fs.readFileSync(lane.traceFile, 'utf8')).flatMap((e) => (e.event === 'tool.decision' ? [`${e.tool_use_id}:${e.decision}`] : []));
    assert.deepEqual(ids, [
      'toolu_h_1:allow', 'toolu_h_badinput:deny', 'toolu_h_unknown:deny', 'toolu_h_settings:deny', 'toolu_h_settings_cat:deny',
    ]);
    // Every refused request left a line with its reason — and never its body.
    const text = fs.readFileSync(lane.traceFile, 'utf8');
    const refused = parseTrace(text).filter((e) => e.event === 'hook.refused');
    assert.ok(refused.some((e) => e.status === 401 && /bearer token/.test(e.reason)), JSON.stringify(refused));
    assert.ok(refused.some((e) => e.status === 405), JSON.stringify(refused));
    assert.ok(refused.some((e) => /not JSON/.test(e.reason)), JSON.stringify(refused));
    assert.ok(!text.includes('toolu_h_notoken') && !text.includes('toolu_h_badtoken'), 'a refused body reached the trace');
    // The server is gone: a late call cannot reach it (the CLI would block: onFailure).
    await assert.rejects(post(url, payload(), auth));
  });
});
