// Tool mapping for Gemini CLI and Codex: each CLI's tools become the tools the policy engine
// decides, and the engine's verdict is what a user would see. Payload cases are data files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { geminiAdapter } from '../../../src/core/agents/gemini/adapter';
import { codexAdapter } from '../../../src/core/agents/codex/adapter';
import { parsePatchFiles } from '../../../src/core/agents/codex/patch';
import { UNKNOWN_WORKDIR_PREFIX } from '../../../src/core/agents/codex/tools';
import { mapGeminiTool } from '../../../src/core/agents/gemini/tools';
import { resolveAgent } from '../../../src/core/agents/registry';

const FIX = path.resolve(__dirname, '../../fixtures/agents');
const load = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(FIX, f), 'utf8')) as T;

interface GeminiCase { name: string; tool_name: string; tool_input: unknown; expect?: { tool: string; input: unknown }; error?: string }
interface PatchCase { name: string; patch: string; files?: Array<[string, string]>; error?: string }

describe('gemini tools → engine tools', () => {
  for (const c of load<GeminiCase[]>('gemini-tools.json')) {
    it(c.name, () => {
      const r = mapGeminiTool(c.tool_name, c.tool_input);
      if (c.error) {
        assert.ok('error' in r, JSON.stringify(r));
        assert.ok(r.error.includes(c.error), r.error);
      } else assert.deepEqual(r, c.expect);
    });
  }

  it('a payload without a tool name is denied with the reason', () => {
    const r = geminiAdapter().mapToolCall({ session_id: 's', hook_event_name: 'BeforeTool', tool_input: {} }, 'id-1');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /malformed Gemini hook payload: tool_name/);
  });

  it('calls without an id get the lane\'s id and keep the cwd', () => {
    const r = geminiAdapter().mapToolCall({ session_id: 's', hook_event_name: 'BeforeTool', cwd: '/ws', tool_name: 'read_file', tool_input: { file_path: 'a' } }, 'lane-7');
    assert.deepEqual(r, { ok: true, call: { toolUseId: 'lane-7', tool: 'Read', input: { file_path: 'a' }, cwd: '/ws' } });
  });
});

describe('codex apply_patch: every file it touches', () => {
  for (const c of load<PatchCase[]>('codex-patches.json')) {
    it(c.name, () => {
      const r = parsePatchFiles(c.patch);
      if (c.error) {
        assert.equal(r.ok, false);
        assert.ok(!r.ok && r.error.includes(c.error), JSON.stringify(r));
      } else {
        assert.ok(r.ok, JSON.stringify(r));
        assert.deepEqual(r.ok ? r.files.map((f) => [f.op, f.path]) : [], c.files);
      }
    });
  }
});

describe('codex tools → engine tools', () => {
  const payload = (tool_name: string, command: string): unknown => ({
    session_id: 's', turn_id: 't', cwd: '/ws', hook_event_name: 'PreToolUse', model: 'gpt-5.5', permission_mode: 'default',
    tool_name, tool_input: { command }, tool_use_id: 'call_1',
  });
  const codex = codexAdapter();

  it('apply_patch is a write of every path, resolved against the session cwd', () => {
    const r = codex.mapToolCall(payload('apply_patch', '*** Begin Patch\n*** Update File: src/a.ts\n*** Move to: /etc/passwd\n*** End Patch\n'), 'x');
    assert.deepEqual(r, { ok: true, call: { toolUseId: 'call_1', cwd: '/ws', tool: 'ApplyPatch', input: { files: ['/ws/src/a.ts', '/etc/passwd'] } } });
  });

  it('a shell command is decided as if its workdir were unknown (the hook never sees it)', () => {
    const r = codex.mapToolCall(payload('Bash', 'cat .env'), 'x');
    assert.ok(r.ok);
    assert.deepEqual(r.ok ? r.call.input : null, { command: `${UNKNOWN_WORKDIR_PREFIX}cat .env` });
  });

  it('an apply_patch heredoc through the shell with relative paths is refused', () => {
    const r = codex.mapToolCall(payload('Bash', "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\nEOF"), 'x');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /relative.*not known/);
  });

  it('an unreadable patch is refused, nothing applied', () => {
    const r = codex.mapToolCall(payload('apply_patch', 'rm -rf /'), 'x');
    assert.equal(r.ok, false);
  });

  it('a payload without tool_use_id is denied with the reason', () => {
    const r = codex.mapToolCall({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } }, 'x');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /tool_use_id/);
  });
});

describe('which agent a command is', () => {
  const cases: Array<[string[], string | undefined, string]> = [
    [['claude', '-p', 'x'], undefined, 'claude-code'],
    [['/opt/bin/gemini', '-p', 'x'], undefined, 'gemini'],
    [['npx', '@google/gemini-cli@0.61.0', '-p', 'x'], undefined, 'gemini'],
    [['codex', 'exec', 'x'], undefined, 'codex'],
    [['node', '/x/node_modules/.bin/codex', 'exec'], undefined, 'codex'],
    [['my-wrapper', 'x'], 'gemini', 'gemini'],
  ];
  for (const [argv, explicit, kind] of cases) {
    it(`${argv.join(' ')}${explicit ? ` --agent ${explicit}` : ''} → ${kind}`, () => {
      const r = resolveAgent(argv, explicit);
      assert.equal(r.ok ? r.adapter.kind : r.reason, kind);
    });
  }
  it('an unknown command does not start, with the reason', () => {
    const r = resolveAgent(['aider', '--yes']);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /cannot tell which agent `aider` is; pass --agent/);
  });
  it('an unknown --agent is refused', () => {
    assert.equal(resolveAgent(['x'], 'copilot').ok, false);
  });
});
