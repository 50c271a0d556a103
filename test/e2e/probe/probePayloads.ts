// Probe: record the raw hook payloads for every tool we care about (and the lifecycle events),
// plus the statusLine input and a transcript, and save them as fixtures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeAnthropic, type Turn } from '../support/fakeAnthropic';
import { fakeMcpConfig } from '../support/fakeMcpServer';
import { runClaude } from '../support/runClaude';
import { isRecord, scrub, tempWorkspace, writeFixture, FIXTURES } from './common';
import { eventName, httpHooks, startHookRecorder } from './hookRecorder';

async function main(): Promise<void> {
  const rec = await startHookRecorder({
    // Allow everything: we want each tool to actually run so PostToolUse fires too.
    responder: (c) =>
      eventName(c) === 'PreToolUse'
        ? { body: { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'probe allows' } } }
        : undefined,
  });
  const ws = tempWorkspace();
  const statusFile = path.join(ws, '..', `statusline-${path.basename(ws)}.jsonl`);
  const mcpLog = path.join(ws, '..', `mcp-${path.basename(ws)}.log`);
  const f = (n: string): string => path.join(ws, n);
  const main: Turn[] = [
    // Text + tool_use in one turn: shows how the transcript splits one API message into lines.
    { text: 'Running a command.', usage: { input_tokens: 300, output_tokens: 30, cache_read_input_tokens: 100 }, toolUses: [{ name: 'Bash', input: { command: "echo probe-bash; env | grep -E '^(GIT_CONFIG|AL_PROBE)' | sort", description: 'Print probe env' } }] },
    { toolUses: [{ name: 'Read', input: { file_path: f('hello.txt') } }] },
    { toolUses: [{ name: 'Write', input: { file_path: f('new.txt'), content: 'new file\n' } }] },
    { toolUses: [{ name: 'Edit', input: { file_path: f('new.txt'), old_string: 'new file', new_string: 'edited file' } }] },
    { toolUses: [{ name: 'Glob', input: { pattern: '*.txt' } }] },
    { toolUses: [{ name: 'Grep', input: { pattern: 'hello', path: ws } }] },
    { toolUses: [{ name: 'WebFetch', input: { url: `${rec.url}/page`, prompt: 'Summarize' } }] },
    { toolUses: [{ name: 'Agent', input: { description: 'Probe subagent', prompt: 'SUBAGENT-PROBE: read hello.txt', subagent_type: 'general-purpose', run_in_background: false } }] },
    { toolUses: [{ name: 'mcp__fake__echo', input: { text: 'hi mcp' } }] },
    { text: 'All done.', usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000 } },
  ];
  const api = await startFakeAnthropic({
    conversations: [{ match: 'SUBAGENT-PROBE', turns: [{ toolUses: [{ name: 'Read', input: { file_path: f('hello.txt') } }] }, { text: 'sub done' }] }],
    script: main,
    sideText: 'side answer',
  });
  const settings = {
    hooks: {
      ...httpHooks(rec.url, { timeout: 30 }),
      // http hooks are skipped for SessionStart/Setup (measured): a command hook forwards to the recorder.
      SessionStart: [{ matcher: '*', hooks: [{ type: 'command', command: `curl -s -X POST -H 'content-type: application/json' --data-binary @- ${rec.url}/hook/SessionStart-cmd` }] }],
    },
    statusLine: { type: 'command', command: `cat >> ${statusFile}; echo >> ${statusFile}; echo status` },
  };
  const r = await runClaude({
    prompt: 'probe all tools',
    baseUrl: api.url,
    cwd: ws,
    settings,
    mcpConfig: fakeMcpConfig(mcpLog),
    env: { AL_PROBE: '1', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '/agentlane/hooks' },
    extraArgs: ['--include-hook-events'],
    timeoutMs: 120_000,
    ...(process.argv.includes('--tools') ? { extraArgs: ['--include-hook-events', '--tools', 'Bash,Read,Write,Edit,Glob,Grep,WebFetch,Agent'] } : {}),
  });
  console.log('exit', r.exitCode, 'timedOut', r.timedOut, 'ms', r.durationMs);
  if (r.stderr) console.log('stderr:', r.stderr.slice(0, 3000));
  for (const l of r.lines) if (isRecord(l) && l.type === 'result') console.log('result:', JSON.stringify(l));
  for (const q of api.requests) {
    const b = isRecord(q.body) ? q.body : {};
    console.log('api', q.seq, q.kind, q.url, 'conv', q.conversation, 'turn', q.turnIndex, q.overrun ? 'OVERRUN' : '', 'model', b.model, 'max_tokens', b.max_tokens, 'tools', Array.isArray(b.tools) ? b.tools.length : 0);
  }
  for (const t of api.toolResults()) console.log('tool_result', t.toolName, t.is_error, JSON.stringify(t.content.slice(0, 400)));
  for (const c of rec.calls) console.log('hook', c.route, JSON.stringify(c.body).slice(0, 600));
  console.log('statusLine ran:', fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8').slice(0, 3000) : 'NO');
  console.log('mcp log:', fs.existsSync(mcpLog) ? fs.readFileSync(mcpLog, 'utf8').slice(0, 1500) : 'NO');
  console.log('hook events in stream:', r.lines.filter((l) => isRecord(l) && l.type === 'system' && l.subtype !== 'init').map((l) => JSON.stringify(l).slice(0, 300)).join('\n'));

  // --- fixtures ------------------------------------------------------------------------------
  const sessionId = isRecord(r.result) && typeof r.result.session_id === 'string' ? r.result.session_id : 'unknown';
  const repl: Array<[string | RegExp, string]> = [
    [r.home, '/home/probe'],
    [ws, '/work/ws'],
    [path.dirname(ws), '/tmp'],
    [rec.url, 'http://127.0.0.1:PORT'],
    [api.url, 'http://127.0.0.1:APIPORT'],
    [/-tmp-al-probe-ws-[A-Za-z0-9]+/g, '-work-ws'],
    [/Linux \d[^ "\\]*/g, 'Linux 6.0.0'],
  ];
  if (process.argv.includes('--write')) {
    const seen = new Map<string, number>();
    for (const c of rec.calls) {
      const ev = eventName(c) ?? c.route;
      const b = isRecord(c.body) ? c.body : {};
      const tool = typeof b.tool_name === 'string' ? b.tool_name.replace(/[^A-Za-z0-9_]/g, '_') : '';
      const sub = typeof b.agent_id === 'string' ? '.subagent' : '';
      const base = [ev, tool].filter(Boolean).join('.') + sub;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      writeFixture(`hooks/${base}${n > 1 ? `.${n}` : ''}.json`, scrub(c.body, repl));
    }
    if (fs.existsSync(statusFile)) {
      const first = fs.readFileSync(statusFile, 'utf8').split('\n').find((l) => l.trim().startsWith('{'));
      if (first) writeFixture('statusline/input.json', scrub(JSON.parse(first), repl));
    }
    if (r.result) writeFixture('print/result.json', scrub(r.result, repl));
    const tdir = path.join(r.home, '.claude/projects');
    const copy = (from: string, to: string): void => {
      const lines = fs.readFileSync(from, 'utf8').split('\n').filter(Boolean);
      const out = lines.map((l) => JSON.stringify(scrub(JSON.parse(l), repl))).join('\n') + '\n';
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, out);
    };
    for (const d of fs.existsSync(tdir) ? fs.readdirSync(tdir) : []) {
      const main = path.join(tdir, d, `${sessionId}.jsonl`);
      if (fs.existsSync(main)) copy(main, path.join(FIXTURES, 'transcripts/session.jsonl'));
      // Subagents get their own file: <project>/<session>/subagents/agent-<agent_id>.jsonl
      const subDir = path.join(tdir, d, sessionId, 'subagents');
      for (const file of fs.existsSync(subDir) ? fs.readdirSync(subDir) : []) {
        if (file.endsWith('.jsonl')) copy(path.join(subDir, file), path.join(FIXTURES, 'transcripts/subagent.jsonl'));
      }
    }
    console.log('fixtures written; transcript dir:', fs.readdirSync(tdir));
  }
  await api.close();
  await rec.close();
}
void main();
