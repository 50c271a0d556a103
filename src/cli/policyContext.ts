/** Shared by the `policy` subcommands: load the stack and build an evaluation context. */
import * as path from 'node:path';
import { AgentLaneError } from '../core/common/errors';
import { loadPolicyStack, type PolicyStack } from '../core/policy/loadFiles';
import { makeGlobExpander, realpathOf } from '../core/policy/fsContext';
import type { EvaluationContext } from '../core/policy/evaluate';
import { formatProblem } from '../core/policy/errors';
import { initShellParser } from '../core/shell';
import { UsageError } from './args';

export interface PolicyFlags {
  cwd?: string;
  policy?: string;
  managed?: string;
}

/** A policy (or policy test file) that does not load: exit 2 with where and why. */
export class PolicyError extends AgentLaneError<'invalid-policy'> {
  constructor(message: string) {
    super('invalid-policy', message);
  }
}

export async function openPolicy(flags: PolicyFlags, processCwd: string): Promise<{ stack: PolicyStack; ctx: EvaluationContext; root: string }> {
  const root = path.resolve(processCwd, flags.cwd ?? '.');
  const managed = flags.managed === undefined ? undefined : flags.managed === 'none' ? false : path.resolve(processCwd, flags.managed);
  const stack = loadPolicyStack({
    workspaceRoot: root,
    policyFile: flags.policy ? path.resolve(processCwd, flags.policy) : undefined,
    managedFile: managed,
  });
  if (stack.problems.length > 0) throw new PolicyError(stack.problems.map(formatProblem).join('\n'));
  if (stack.workspaceMissing && flags.policy === undefined) {
    throw new UsageError(`no policy at ${stack.workspaceFile}: create one (see README "Policy file") or pass --policy FILE`);
  }
  await initShellParser({ wasmDir: __dirname });
  return { stack, root, ctx: { workspaceRoot: root, realpath: realpathOf, expandGlob: makeGlobExpander() } };
}
