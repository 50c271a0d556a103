/**
 * `agentlane sandbox explain [--cwd DIR] [--policy FILE] [--managed FILE|none] [--json]`: what the
 * box a session would run in allows — from the same policy stack and the same profile builder the
 * lane uses, against the files that exist now.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, type Io } from './args';
import { openPolicy } from './policyContext';
import { defaultTraceDir } from './paths';
import { sandboxDecision } from '../core/sandbox/mode';
import { sandboxAvailability } from '../core/sandbox/availability';
import { buildProfile } from '../core/sandbox/profile';
import { nodeFsProbe } from '../core/sandbox/fsProbe';
import { explainSandbox, formatExplanation } from '../core/sandbox/explain';

export const SANDBOX_USAGE = 'sandbox explain [--cwd DIR] [--policy FILE] [--managed FILE|none] [--json]';

export async function sandboxExplainCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    cwd: { type: 'string' }, policy: { type: 'string' }, managed: { type: 'string' }, json: { type: 'boolean' },
  });
  const { stack, root } = await openPolicy(values, io.cwd);
  const decision = sandboxDecision(stack.policy);
  const availability = decision.mode === 'on' ? sandboxAvailability() : undefined;
  let profile;
  if (availability?.ok) {
    const box = path.join(os.tmpdir(), 'agentlane-box-<session>');
    profile = buildProfile({
      policy: stack.policy, workspaceRoot: root, home: stack.policy.home,
      agentHome: path.join(box, 'home'), scratch: path.join(box, 'tmp'),
      laneDirs: [defaultTraceDir()], fs: nodeFsProbe(),
    });
  }
  const e = explainSandbox(decision, availability, profile);
  io.out(values.json ? JSON.stringify(e, null, 2) : formatExplanation(e));
  return e.state === 'on' || e.state === 'off' ? 0 : 1;
}
