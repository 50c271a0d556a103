/** `agentlane policy test [FILE]`: policies are tested like code. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { evaluate } from '../core/policy/evaluate';
import { POLICY_TESTS } from '../core/policy/managedPaths';
import { parse, UsageError, type Io } from './args';
import { openPolicy, PolicyError } from './policyContext';

const decision = z.enum(['allow', 'ask', 'deny']);
const testCase = z.strictObject({
  name: z.string().optional(),
  tool: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  expect: z.union([decision, z.strictObject({ decision, rule: z.string().optional(), layer: z.string().optional() })]),
});
const testFile = z.union([z.array(testCase), z.strictObject({ cases: z.array(testCase) })]);

export async function policyTest(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { cwd: { type: 'string' }, policy: { type: 'string' }, managed: { type: 'string' } }, true);
  if (positionals.length > 1) throw new UsageError('policy test takes at most one FILE');
  const { stack, ctx, root } = await openPolicy(values, io.cwd);
  const file = path.resolve(root, positionals[0] ?? POLICY_TESTS);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read policy tests ${file}: ${(err as NodeJS.ErrnoException).code ?? ''}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length) throw new PolicyError(`${file}: yaml: ${doc.errors[0].message.split('\n')[0]}`);
  const parsed = testFile.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const cases = Array.isArray(parsed.data) ? parsed.data : parsed.data.cases;
  let failed = 0;
  cases.forEach((c, i) => {
    const want = typeof c.expect === 'string' ? { decision: c.expect } : c.expect;
    const got = evaluate({ tool: c.tool, input: c.input, cwd: root }, stack.policy, ctx);
    const label = c.name ?? `${c.tool} ${JSON.stringify(c.input)}`;
    const ruleOk = !('rule' in want) || want.rule === undefined || got.reasons.some((r) => r.rule === want.rule);
    const layerOk = !('layer' in want) || want.layer === undefined || got.reasons.some((r) => r.layer === want.layer);
    if (got.decision === want.decision && ruleOk && layerOk) {
      io.out(`  ok   ${i + 1} ${label}`);
      return;
    }
    failed++;
    io.out(`  FAIL ${i + 1} ${label}`);
    io.out(`       - expected: ${JSON.stringify(want)}`);
    io.out(`       + actual:   ${JSON.stringify({ decision: got.decision, rules: got.reasons.map((r) => r.rule) })}`);
    for (const r of got.reasons) io.out(`         ${r.layer} ${r.rule}${r.line ? ` (line ${r.line})` : ''}: ${r.message}`);
  });
  io.out(`${cases.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
