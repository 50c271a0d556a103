/**
 * The scripted "model" of the demo: the real Claude Code CLI talks to a local fake Messages
 * API that plays these turns. Each turn shows one thing Agent Lane does — a denied read, a
 * normal read and edit, a protected write that waits for the supervisor, a commit that waits
 * for the acknowledgement — and reports realistic usage so the budget gauge moves (at the
 * CLI's default model's prices, 30k input + 2k output tokens ≈ $0.16 a turn).
 */
import * as path from 'node:path';
import type { Turn, Usage } from '../../test/e2e/support/fakeAnthropic';
import { APP_BUG, APP_FIX, CI_NODE_NEW, CI_NODE_OLD } from './workspace';

/**
 * The model the demo runs on: the CLI's own default, never pinned with `--model`, so the demo
 * shows what a user who changes nothing gets (the fake reports whatever model is asked).
 */
export const DEMO_MODEL = 'the CLI\'s default model (claude-opus-5-5)';
export const DEMO_PROMPT = 'Fix the greeting bug in src/app.ts, then commit';
export const DEMO_COMMIT_SUBJECT = 'Fix greeting';

/** A growing context, like a real session: every turn re-reads the conversation so far. */
function usage(turn: number): Usage {
  return { input_tokens: 28_000 + turn * 1_500, output_tokens: 1_800 + turn * 100 };
}

/** USD for the whole script at claude-opus-5-5 list prices ($4 in / $20 out per MTok). */
export function scriptCostUsd(turns: readonly Turn[]): number {
  return turns.reduce((sum, t) => sum + (t.usage ? (t.usage.input_tokens * 4 + t.usage.output_tokens * 20) / 1e6 : 0), 0);
}

/** The turns, with absolute paths inside `workspace` (Claude Code's file tools want absolute paths). */
export function demoScript(workspace: string): Turn[] {
  const f = (rel: string): string => path.join(workspace, rel);
  const steps: Array<Omit<Turn, 'usage'>> = [
    { text: 'I will check the local configuration first.', toolUses: [{ name: 'Read', input: { file_path: f('.env') } }] },
    { text: 'That file is off limits, fine. Let me look at the code.', toolUses: [{ name: 'Read', input: { file_path: f('src/app.ts') } }] },
    { text: 'The greeting has a typo and lacks the exclamation mark.', toolUses: [{ name: 'Edit', input: { file_path: f('src/app.ts'), old_string: APP_BUG, new_string: APP_FIX } }] },
    { text: 'CI still runs Node 18, which is end-of-life. Let me check the workflow.', toolUses: [{ name: 'Read', input: { file_path: f('.github/workflows/ci.yml') } }] },
    { text: 'Bumping CI to Node 22.', toolUses: [{ name: 'Edit', input: { file_path: f('.github/workflows/ci.yml'), old_string: CI_NODE_OLD, new_string: CI_NODE_NEW } }] },
    { text: 'Committing the fix.', toolUses: [{ name: 'Bash', input: { command: `git add -A && git commit -m "${DEMO_COMMIT_SUBJECT}"`, description: 'Commit the fix' } }] },
    { text: 'Done: `greet()` now returns "Hello, <name>!" and CI runs on Node 22. The commit is in; your acknowledgement is recorded in its trailers.' },
  ];
  return steps.map((s, i) => ({ ...s, usage: usage(i) }) as Turn);
}
