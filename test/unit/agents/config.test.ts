// Per-session private config: what each CLI is started with, and the repository switches that
// would turn the lane's hooks off.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { geminiAdapter } from '../../../src/core/agents/gemini/adapter';
import { checkWorkspace } from '../../../src/core/agents/gemini/config';
import { codexAdapter } from '../../../src/core/agents/codex/adapter';
import type { PrepareInput } from '../../../src/core/agents/adapter';

function dirs(): { root: string; input: PrepareInput } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'al-agentcfg-'));
  for (const d of ['session', 'ws', 'home']) fs.mkdirSync(path.join(root, d));
  return {
    root,
    input: {
      sessionId: 'sid', sessionDir: path.join(root, 'session'), workspaceRoot: path.join(root, 'ws'), hookBaseUrl: 'http://relay.invalid:8080/',
      token: 'TOKEN-SECRET', hookTimeoutSeconds: 600, userHome: path.join(root, 'home'),
    },
  };
}

describe('gemini private config', () => {
  it('hooks, ignoreLocalEnv and the user\'s login go into a private GEMINI_CLI_HOME; the token stays out of it', async () => {
    const { root, input } = dirs();
    fs.mkdirSync(path.join(root, 'home/.gemini'));
    fs.writeFileSync(path.join(root, 'home/.gemini/settings.json'), JSON.stringify({ security: { auth: { selectedType: 'oauth-personal' } }, hooks: { BeforeTool: [{ hooks: [{ command: 'mine' }] }] } }));
    fs.writeFileSync(path.join(root, 'home/.gemini/oauth_creds.json'), '{}');
    const p = await geminiAdapter().prepare(input);
    const s = JSON.parse(fs.readFileSync(p.configFile, 'utf8')) as { hooksConfig: { enabled: boolean }; advanced: { ignoreLocalEnv: boolean }; security: { auth: { selectedType: string } }; hooks: { BeforeTool: Array<{ hooks: Array<{ name: string; timeout: number }> }> } };
    assert.equal(p.env.GEMINI_CLI_HOME, path.join(input.sessionDir, 'gemini-home'));
    assert.equal(s.hooksConfig.enabled, true);
    assert.equal(s.advanced.ignoreLocalEnv, true);
    assert.equal(s.security.auth.selectedType, 'oauth-personal');
    assert.equal(s.hooks.BeforeTool.length, 1, 'the user\'s own hooks are not carried over');
    assert.match(s.hooks.BeforeTool[0].hooks[0].name, /^agentlane-[0-9a-f]{12}$/);
    assert.equal(s.hooks.BeforeTool[0].hooks[0].timeout, 600_000);
    assert.ok(fs.existsSync(path.join(p.env.GEMINI_CLI_HOME, '.gemini/oauth_creds.json')));
    assert.ok(!JSON.stringify(s).includes('TOKEN-SECRET') && !JSON.stringify(p.env).includes('TOKEN-SECRET'));
    const script = fs.readFileSync(path.join(input.sessionDir, 'agent-hooks/gemini-before-tool.sh'), 'utf8');
    assert.ok(script.includes('http://relay.invalid:8080/hook/agent/gemini/pre-tool'), 'the endpoint is the given base URL');
    for (const f of p.files) assert.equal(fs.statSync(f).mode & 0o077, 0, `${f} readable by others`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['hooksConfig.enabled: false', { hooksConfig: { enabled: false } }, /hooksConfig/],
    ['hooksConfig.disabled', { hooksConfig: { disabled: ['agentlane'] } }, /hooksConfig/],
    ['its own hooks', { hooks: { BeforeTool: [] as unknown[], AfterTool: [{ hooks: [] }] } }, /`hooks`/],
    ['advanced.ignoreLocalEnv: false', { advanced: { ignoreLocalEnv: false } }, /ignoreLocalEnv/],
  ];
  for (const [name, settings, re] of refused) {
    it(`a repository setting ${name} stops the session with the reason`, async () => {
      const { root, input } = dirs();
      fs.mkdirSync(path.join(input.workspaceRoot, '.gemini'));
      fs.writeFileSync(path.join(input.workspaceRoot, '.gemini/settings.json'), `// comment\n${JSON.stringify(settings)}`);
      await assert.rejects(geminiAdapter().prepare(input), (e: Error) => re.test(e.message) && /no supervised Gemini session/.test(e.message));
      fs.rmSync(root, { recursive: true, force: true });
    });
  }

  it('harmless repository settings are fine', async () => {
    const { root, input } = dirs();
    fs.mkdirSync(path.join(input.workspaceRoot, '.gemini'));
    fs.writeFileSync(path.join(input.workspaceRoot, '.gemini/settings.json'), JSON.stringify({ ui: { theme: 'x' } }));
    assert.equal(await checkWorkspace(input.workspaceRoot), undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('codex private config', () => {
  it('hooks on, trusted for this invocation only, login copied, model from the mission', async () => {
    const { root, input } = dirs();
    fs.mkdirSync(path.join(root, 'home/.codex'));
    fs.writeFileSync(path.join(root, 'home/.codex/auth.json'), '{}');
    const p = await codexAdapter(['codex', 'exec', 'x']).prepare({ ...input, model: 'gpt-5.5' });
    const toml = fs.readFileSync(p.configFile, 'utf8');
    assert.match(toml, /\[features\]\nhooks = true/);
    assert.match(toml, /\[\[hooks\.PreToolUse\.hooks\]\]\ntype = "command"\ncommand = "\/bin\/sh '[^']+codex-pre-tool-use\.sh'"\ntimeout = 600/);
    assert.deepEqual(p.args, ['-c', 'features.hooks=true', '--dangerously-bypass-hook-trust', '--model', 'gpt-5.5']);
    assert.equal(p.env.CODEX_HOME, path.join(input.sessionDir, 'codex-home'));
    assert.ok(fs.existsSync(path.join(p.env.CODEX_HOME, 'auth.json')));
    assert.ok(!toml.includes('TOKEN-SECRET'));
    fs.rmSync(root, { recursive: true, force: true });
  });
});
