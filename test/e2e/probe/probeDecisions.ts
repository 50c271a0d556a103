// Probe: what the CLI does with each PreToolUse answer an http hook can give (allow / deny / ask /
// nothing / HTTP 500 / invalid JSON / too slow / server down), with and without onFailure:block,
// in several permission modes. One scripted `cat secret.txt` Bash call per run; we look at the
// tool_result the model got and whether the secret reached the fake API.
// Run: npx tsx test/e2e/probe/probeDecisions.ts [scenario-name-filter]
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeAnthropic } from '../support/fakeAnthropic';
import { runClaude, type RunClaudeOptions } from '../support/runClaude';
import { isRecord, tempWorkspace } from './common';
import { httpHooks, startHookRecorder, type HookReply, type HttpHookOptions } from './hookRecorder';

const CANARY = 'TOP-SECRET-CANARY-4242';

interface Scenario {
  name: string;
  /** undefined = no hooks at all; 'down' = hook URL points at a closed port. */
  reply?: HookReply | 'down';
  hook?: HttpHookOptions;
  /** Use a command hook instead of http (command line gets the recorder URL appended). */
  command?: string;
  permissionMode?: RunClaudeOptions['permissionMode'];
  extraArgs?: string[];
  env?: Record<string, string>;
  tool?: 'Bash' | 'Read';
  /** Bash command to run instead of the read-only `cat secret.txt`. */
  bash?: string;
}

const decision = (d: string, reason = `probe says ${d}`): HookReply => ({
  body: { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: d, permissionDecisionReason: reason } },
});

const SCENARIOS: Scenario[] = [
  { name: 'no-hooks default-mode' },
  { name: 'no-hooks default-mode Read', tool: 'Read' },
  { name: 'no-hooks bypassPermissions', permissionMode: 'bypassPermissions' },
  // Root refuses bypass mode unless IS_SANDBOX=1 (measured; we run as root in CI containers).
  { name: 'no-hooks bypassPermissions IS_SANDBOX', permissionMode: 'bypassPermissions', env: { IS_SANDBOX: '1' } },
  { name: 'deny bypassPermissions IS_SANDBOX', reply: decision('deny'), permissionMode: 'bypassPermissions', env: { IS_SANDBOX: '1' } },
  { name: 'ask bypassPermissions IS_SANDBOX', reply: decision('ask'), permissionMode: 'bypassPermissions', env: { IS_SANDBOX: '1' } },
  { name: 'down block bypassPermissions IS_SANDBOX', reply: 'down', hook: { onFailure: 'block' }, permissionMode: 'bypassPermissions', env: { IS_SANDBOX: '1' } },
  // A command that is not read-only: does -p default mode run it without anyone to ask?
  { name: 'no-hooks write-cmd', bash: 'cat secret.txt; echo x > out.txt' },
  { name: 'no-hooks write-cmd dontAsk', bash: 'cat secret.txt; echo x > out.txt', permissionMode: 'dontAsk' },
  { name: 'allow write-cmd', bash: 'cat secret.txt; echo x > out.txt', reply: decision('allow') },
  { name: 'allow write-cmd dontAsk', bash: 'cat secret.txt; echo x > out.txt', reply: decision('allow'), permissionMode: 'dontAsk' },
  { name: 'empty write-cmd', bash: 'cat secret.txt; echo x > out.txt', reply: { body: {} } },
  { name: 'allow outside-cwd cmd', bash: 'cat secret.txt; touch /tmp/al-probe-outside', reply: decision('allow') },
  { name: 'no-hooks outside-cwd cmd', bash: 'cat secret.txt; touch /tmp/al-probe-outside' },
  { name: 'no-hooks --permission-prompts none', extraArgs: ['--permission-prompts', 'none'] },
  { name: 'allow', reply: decision('allow') },
  { name: 'deny', reply: decision('deny', 'Agent Lane policy: secret.txt is off limits') },
  { name: 'deny Read', reply: decision('deny', 'Agent Lane policy: secret.txt is off limits'), tool: 'Read' },
  { name: 'deny under bypassPermissions', reply: decision('deny'), permissionMode: 'bypassPermissions' },
  { name: 'deny under --dangerously-skip-permissions', reply: decision('deny'), extraArgs: ['--dangerously-skip-permissions'] },
  { name: 'ask', reply: decision('ask') },
  { name: 'ask bypassPermissions', reply: decision('ask'), permissionMode: 'bypassPermissions' },
  { name: 'empty {}', reply: { body: {} } },
  { name: 'legacy decision:block', reply: { body: { decision: 'block', reason: 'legacy block' } } },
  { name: 'continue:false', reply: { body: { continue: false, stopReason: 'probe stops the session' } } },
  { name: 'http 500', reply: { status: 500, body: { error: 'boom' } } },
  { name: 'http 500 onFailure:block', reply: { status: 500, body: { error: 'boom' } }, hook: { onFailure: 'block' } },
  { name: 'http 403 deny-looking body', reply: { status: 403, body: decision('deny').body } },
  { name: 'invalid json', reply: { body: 'this is not json' } },
  { name: 'invalid json onFailure:block', reply: { body: 'this is not json' }, hook: { onFailure: 'block' } },
  { name: 'bad decision value', reply: decision('maybe') },
  { name: 'bad decision value onFailure:block', reply: decision('maybe'), hook: { onFailure: 'block' } },
  { name: 'slow 4s > timeout 2s', reply: { ...decision('allow'), delayMs: 4000 }, hook: { timeout: 2 } },
  { name: 'slow 4s > timeout 2s onFailure:block', reply: { ...decision('allow'), delayMs: 4000 }, hook: { timeout: 2, onFailure: 'block' } },
  { name: 'server down', reply: 'down' },
  { name: 'server down onFailure:block', reply: 'down', hook: { onFailure: 'block' } },
  { name: 'server down onFailure:block bypassPermissions', reply: 'down', hook: { onFailure: 'block' }, permissionMode: 'bypassPermissions' },
  {
    name: 'headers + allowedEnvVars',
    reply: decision('allow'),
    hook: { headers: { Authorization: 'Bearer $AL_TOKEN', 'X-Other': '${AL_OTHER}', 'X-Literal': 'lit' }, allowedEnvVars: ['AL_TOKEN'] },
    env: { AL_TOKEN: 'tok123', AL_OTHER: 'other456' },
  },
  { name: 'command exit 2', command: 'cat >/dev/null; echo "blocked by command hook" >&2; exit 2' },
  { name: 'command exit 1', command: 'cat >/dev/null; echo "crashed" >&2; exit 1' },
  { name: 'command exit 1 onFailure:block', command: 'cat >/dev/null; echo "crashed" >&2; exit 1', hook: { onFailure: 'block' } },
];

async function closedPortUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function runScenario(sc: Scenario): Promise<void> {
  const rec = await startHookRecorder({ responder: (c) => (c.route === 'PreToolUse' && sc.reply !== 'down' ? sc.reply : undefined) });
  const ws = tempWorkspace();
  const input = sc.tool === 'Read' ? { file_path: `${ws}/secret.txt` } : { command: sc.bash ?? 'cat secret.txt', description: 'Show the secret' };
  const api = await startFakeAnthropic({ script: [{ toolUses: [{ name: sc.tool ?? 'Bash', input }] }, { text: 'done' }] });
  let hooks: Record<string, unknown> | undefined;
  if (sc.command) {
    const h: Record<string, unknown> = { type: 'command', command: sc.command };
    if (sc.hook?.onFailure) h.onFailure = sc.hook.onFailure;
    hooks = { PreToolUse: [{ matcher: '*', hooks: [h] }] };
  } else if (sc.reply !== undefined) {
    const base = sc.reply === 'down' ? await closedPortUrl() : rec.url;
    hooks = httpHooks(base, { events: ['PreToolUse'], ...sc.hook });
  }
  const r = await runClaude({
    prompt: 'show me the secret',
    baseUrl: api.url,
    cwd: ws,
    settings: hooks ? { hooks } : undefined,
    permissionMode: sc.permissionMode,
    extraArgs: ['--include-hook-events', ...(sc.extraArgs ?? [])],
    env: sc.env,
    timeoutMs: 60_000,
  });
  const tr = api.toolResults()[0];
  const res = r.result ?? {};
  const hookResp = r.lines.filter((l) => isRecord(l) && l.subtype === 'hook_response' && l.hook_event === 'PreToolUse');
  const row = {
    scenario: sc.name,
    exit: r.exitCode,
    ms: r.durationMs,
    hookCalls: rec.calls.length,
    toolRan: tr ? !tr.is_error : false,
    is_error: tr?.is_error,
    toolResult: tr?.content.replace(/\n*<system-reminder>[\s\S]*$/, '').slice(0, 300),
    canaryReachedModel: api.allRequestText().includes(CANARY),
    apiTurns: api.turnRequests().length,
    resultSubtype: res.subtype,
    resultText: typeof res.result === 'string' ? res.result.slice(0, 200) : undefined,
    permission_denials: res.permission_denials,
    hookResponse: hookResp.map((l) => (isRecord(l) ? { outcome: l.outcome, exit_code: l.exit_code, output: String(l.output).slice(0, 200), stderr: String(l.stderr).slice(0, 200) } : l)),
    headers: sc.hook?.headers ? rec.calls[0]?.headers : undefined,
    stderr: r.stderr.slice(0, 300) || undefined,
  };
  console.log(JSON.stringify(row));
  await api.close();
  await rec.close();
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  for (const sc of SCENARIOS) {
    if (filter && !sc.name.includes(filter)) continue;
    await runScenario(sc);
  }
}
void main();
