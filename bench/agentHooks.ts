/**
 * Added latency per tool call, per agent: what the CLI waits for before the tool runs.
 * Claude Code posts its http hook in-process (one HTTP round trip); Gemini CLI and Codex spawn
 * the hook command for every call. For the command hook we compare the options measured when
 * choosing the fail-closed client: sh + curl (chosen), a Node script doing the same, and a
 * do-nothing command (the spawn the CLI pays for any hook). All against a real lane (policy,
 * broker, trace with fsync=none) opened in this process.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLane, type Lane } from '../src/core/session/lane';
import { initShellParser } from '../src/core/shell';
import { agentRoutes } from '../src/core/agents/hookRoutes';
import { HOOK_ROUTES } from '../src/core/agents/claude-code/settings';
import { percentile, type BenchRow } from './stats';

const POLICY = 'version: 1\nmode: build\npaths:\n  deny: ["**/.env*"]\n  write: ["src/**"]\nshell:\n  otherwise: allow\n';
const N = 40;

function runCommand(command: string, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
    child.stdin.end(input);
  });
}

async function sample(fn: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < N; i++) out.push(await fn());
  return out.sort((a, b) => a - b);
}

function rows(name: string, ms: number[], note?: string): BenchRow[] {
  return [
    { name: `${name} p50`, value: Math.round(percentile(ms, 50) * 10) / 10, unit: 'ms', note },
    { name: `${name} p95`, value: Math.round(percentile(ms, 95) * 10) / 10, unit: 'ms' },
  ];
}

/** The same protocol as the sh client, in Node (the rejected option, kept here to re-measure). */
function nodeClient(dir: string, url: string, headersFile: string): string {
  const file = path.join(dir, 'node-client.js');
  fs.writeFileSync(file, `
const fs = require('fs');
const deny = (r) => { process.stderr.write('Agent Lane: ' + r + '\\n'); process.exit(2); };
const auth = fs.readFileSync(${JSON.stringify(headersFile)}, 'utf8').split(': ')[1].trim();
let body = ''; process.stdin.on('data', (c) => body += c); process.stdin.on('end', async () => {
  try {
    const r = await fetch(${JSON.stringify(url)}, { method: 'POST', body, headers: { authorization: auth, 'content-type': 'application/json' }, signal: AbortSignal.timeout(30000) });
    const t = await r.text();
    if (r.ok && t === 'allow') process.exit(0);
    if (r.ok && t.startsWith('deny ')) deny(t.slice(5));
    deny('unexpected answer');
  } catch (e) { deny(String(e)); }
});`);
  return `node ${file}`;
}

/** A bash `/dev/tcp` client (no curl process): the other option measured, not shipped. */
function bashTcpClient(dir: string, url: string, headersFile: string): string {
  const u = new URL(url);
  const file = path.join(dir, 'bash-client.sh');
  fs.writeFileSync(file, `#!/bin/bash
deny() { printf 'Agent Lane: %s\\n' "$1" >&2; exit 2; }
auth=$(cat ${JSON.stringify(headersFile)}) || deny "no token"
body=$(cat)
exec 3<>/dev/tcp/${u.hostname}/${u.port} || deny "broker down"
printf 'POST ${u.pathname} HTTP/1.1\\r\\nHost: x\\r\\n%s\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s' "$auth" "\${#body}" "$body" >&3
IFS= read -r -t 30 status <&3 || deny "no answer"
case "$status" in "HTTP/1.1 200"*) ;; *) deny "bad status";; esac
while IFS= read -r -t 30 line <&3 && [ "$line" != $'\\r' ]; do :; done
IFS= read -r -t 30 answer <&3
[ "$answer" = allow ] && exit 0
deny "$answer"
`);
  return `/bin/bash ${file}`;
}

export async function benchAgentHooks(): Promise<BenchRow[]> {
  await initShellParser();
  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'al-bench-hooks-'));
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, '.agentlane'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.agentlane/policy.yaml'), POLICY);
  const out: BenchRow[] = [];
  const lanes: Lane[] = [];
  try {
    const open = async (kind: 'claude-code' | 'gemini' | 'codex'): Promise<Lane> => {
      const lane = await openLane({
        workspaceRoot: ws, managedFile: false, traceDir: path.join(root, `traces-${kind}`), supervisor: null,
        agent: { name: kind, version: 'bench' }, extensionVersion: 'bench', privateDir: root, agentKind: kind, durability: 'none',
        hookTimeoutSeconds: 60,
      });
      lanes.push(lane);
      return lane;
    };
    const file = path.join(ws, 'src/a.ts');

    const claude = await open('claude-code');
    let n = 0;
    out.push(...rows('claude-code (http hook, in-process POST)', await sample(async () => {
      const t0 = performance.now();
      const r = await fetch(`${claude.server.url}${HOOK_ROUTES.PreToolUse}`, {
        method: 'POST', headers: { authorization: `Bearer ${claude.server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: claude.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: file }, tool_use_id: `t${++n}`, cwd: ws }),
      });
      await r.text();
      return performance.now() - t0;
    }), 'decision + trace append included'));

    const gemini = await open('gemini');
    const gs = JSON.parse(fs.readFileSync(gemini.settingsFile, 'utf8')) as { hooks: { BeforeTool: Array<{ hooks: Array<{ command: string }> }> } };
    const gPayload = JSON.stringify({ session_id: 'g', hook_event_name: 'BeforeTool', cwd: ws, tool_name: 'write_file', tool_input: { file_path: file, content: 'x' } });
    out.push(...rows('gemini (sh + curl client)', await sample(() => runCommand(gs.hooks.BeforeTool[0].hooks[0].command, gPayload)), 'chosen'));

    const codex = await open('codex');
    const toml = fs.readFileSync(codex.settingsFile, 'utf8');
    const cCommand = JSON.parse(/\[\[hooks\.PreToolUse\.hooks\]\][^[]*?command = (".*")/.exec(toml)?.[1] ?? '""') as string;
    let m = 0;
    const cPayload = (): string => JSON.stringify({ session_id: 'c', hook_event_name: 'PreToolUse', cwd: ws, tool_name: 'apply_patch', tool_input: { command: '*** Begin Patch\n*** Add File: src/a.ts\n+x\n*** End Patch\n' }, tool_use_id: `c${++m}` });
    out.push(...rows('codex (sh + curl client)', await sample(() => runCommand(cCommand, cPayload())), 'chosen'));

    const headers = path.join(gemini.sessionDir, 'agent-hooks', 'auth-header');
    const node = nodeClient(root, `${gemini.server.url}${agentRoutes('gemini').pre}`, headers);
    out.push(...rows('gemini (Node client, rejected)', await sample(() => runCommand(node, gPayload))));
    const bash = bashTcpClient(root, `${gemini.server.url}${agentRoutes('gemini').pre}`, headers);
    out.push(...rows('gemini (bash /dev/tcp client, not shipped)', await sample(() => runCommand(bash, gPayload))));
    out.push(...rows('baseline: empty command hook (spawn only)', await sample(() => runCommand('cat >/dev/null', gPayload)), 'what any command hook costs'));
  } finally {
    for (const l of lanes) await l.close('bench over', 0);
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}
