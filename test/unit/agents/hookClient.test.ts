// The generated fail-closed hook client: valid sh, quoting that a hostile path cannot break, and
// no way to "allow" except the broker's exact answer (the behaviour against a live broker is in
// test/e2e/agents/hookClient.e2e.ts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hookClientScript, shQuote } from '../../../src/core/agents/hookClient/script';
import { tomlString } from '../../../src/core/agents/codex/config';

const sh = (script: string, input = '{}', env: NodeJS.ProcessEnv = process.env): { status: number | null; stderr: string } => {
  const r = spawnSync('/bin/sh', ['-c', script], { input, encoding: 'utf8', env, timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
};

describe('hook client script', () => {
  const base = { url: 'http://127.0.0.1:9/hook/agent/gemini/pre-tool', headersFile: "/tmp/it's here/auth-header", maxSeconds: 5 };

  it('is valid sh, also with quotes in the paths', () => {
    const r = spawnSync('/bin/sh', ['-n'], { input: hookClientScript(base), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('nothing listening ⇒ exit 2 with a reason (never 0, never an empty stderr)', () => {
    const r = sh(hookClientScript({ ...base, connectSeconds: 1 }));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^Agent Lane: the Agent Lane broker gave no decision/);
  });

  it('an after-tool recorder never blocks', () => {
    assert.equal(sh(hookClientScript({ ...base, recordOnly: true, maxSeconds: 1 })).status, 0);
  });

  it('shQuote survives every quote', () => {
    const hostile = `a'b"c$(rm -rf /)\`x\``;
    const r = spawnSync('/bin/sh', ['-c', `printf %s ${shQuote(hostile)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, hostile);
  });

  it('tomlString escapes what TOML basic strings forbid', () => {
    assert.equal(tomlString('a"b\\c\u007f\n'), '"a\\"b\\\\c\\u007F\\n"');
  });
});
