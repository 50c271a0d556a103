/** `agentlane policy explain PATH`: what the policy says about reading and writing a path, and why. */
import * as path from 'node:path';
import { evaluate } from '../core/policy/evaluate';
import { parse, UsageError, type Io } from './args';
import { openPolicy } from './policyContext';

export async function policyExplain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    cwd: { type: 'string' }, policy: { type: 'string' }, managed: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (positionals.length !== 1) throw new UsageError('policy explain takes exactly one PATH');
  const { stack, ctx, root } = await openPolicy(values, io.cwd);
  const file = path.resolve(io.cwd, positionals[0]);
  const read = evaluate({ tool: 'Read', input: { file_path: file }, cwd: root }, stack.policy, ctx);
  const write = evaluate({ tool: 'Write', input: { file_path: file, content: '' }, cwd: root }, stack.policy, ctx);
  if (values.json) {
    io.out(JSON.stringify({ path: file, mode: stack.policy.mode.value, read: strip(read), write: strip(write) }));
    return 0;
  }
  io.out(`${path.relative(root, file) || '.'} (mode ${stack.policy.mode.value})`);
  for (const [verb, e] of [['read', read], ['write', write]] as const) {
    io.out(`  ${verb}: ${e.decision}`);
    for (const r of e.reasons) io.out(`    ${r.layer} ${r.rule}${r.line ? ` ${r.file}:${r.line}` : ''} — ${r.message}`);
  }
  return 0;
}

function strip(e: ReturnType<typeof evaluate>) {
  return { decision: e.decision, reasons: e.reasons.map((r) => ({ rule: r.rule, layer: r.layer, file: r.file ?? null, line: r.line ?? null, message: r.message })) };
}
