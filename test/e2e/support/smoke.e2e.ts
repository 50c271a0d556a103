// Smoke test: the real Claude Code CLI runs offline against the scripted fake API, executes one
// Read tool call and ends with text. Needs `scripts/install-claude.sh` first.
// Run: npx mocha --require tsx/cjs 'test/e2e/support/*.e2e.ts'
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic } from './fakeAnthropic';
import { claudeBin, claudeInstalled, runClaude } from './runClaude';

describe('Claude Code against the fake Messages API (smoke)', function () {
  this.timeout(90_000);
  let api: FakeAnthropic | undefined;

  before(function () {
    if (!claudeInstalled()) throw new Error(`no Claude Code CLI at ${claudeBin()}: run scripts/install-claude.sh`);
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('runs a scripted Read tool call and sends the file back to the model', async () => {
    const ws = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'al-smoke-ws-'));
    const file = path.join(ws, 'hello.txt');
    fs.writeFileSync(file, 'smoke-canary-7731\n');
    api = await startFakeAnthropic({
      script: [
        { toolUses: [{ name: 'Read', input: { file_path: file } }], usage: { input_tokens: 1000, output_tokens: 50 } },
        { text: 'The file says smoke-canary-7731.', usage: { input_tokens: 1200, output_tokens: 20 } },
      ],
    });

    const run = await runClaude({ prompt: 'What does hello.txt say?', baseUrl: api.url, cwd: ws, maxTurns: 5 });

    assert.equal(run.timedOut, false, 'CLI timed out');
    assert.equal(run.exitCode, 0, `CLI failed: ${run.stderr}`);
    assert.ok(run.result, 'no result line on stdout');
    assert.equal(run.result.subtype, 'success');
    assert.equal(run.result.is_error, false);
    assert.equal(run.result.result, 'The file says smoke-canary-7731.');
    // The CLI's default model (claude-opus-5-5) is priced $4 / $20 per MTok: 2200 in + 70 out.
    assert.ok(Math.abs(Number(run.result.total_cost_usd) - (2200 * 4 + 70 * 20) / 1e6) < 1e-9, `cost ${String(run.result.total_cost_usd)}`);

    const results = api.toolResults();
    assert.equal(results.length, 1);
    assert.equal(results[0]?.toolName, 'Read');
    assert.equal(results[0]?.is_error, false);
    assert.match(results[0]?.content ?? '', /smoke-canary-7731/);
    assert.equal(api.turnRequests().length, 2, 'two scripted turns consumed');
    assert.ok(!api.turnRequests().some((r) => r.overrun), 'the CLI asked for more turns than scripted');
  });
});
