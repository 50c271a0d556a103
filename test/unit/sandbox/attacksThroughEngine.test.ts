/**
 * The sandbox attack corpus (test/fixtures/sandbox-attacks) through the policy engine, under the
 * corpus policy: every attack the analyser can see (`engine: blocked`) is denied or held for a
 * human before it runs; the `box` ones are the analyser's blind spots — scripts the agent wrote,
 * what a program does at run time — which test/e2e/sandbox/attacks.e2e.ts runs in the box.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initShellParser } from '../../../src/core/shell';
import { loadPolicyFromText } from '../../../src/core/policy/load';
import { compilePolicy } from '../../../src/core/policy/compile';
import { evaluate } from '../../../src/core/policy/evaluate';
import { loadAttacks } from '../../e2e/sandbox/attacks';

const ROOT = '/work/repo';
const HOME = '/home/dev';

describe('sandbox attacks through the policy engine', () => {
  const attacks = loadAttacks();
  let decide: (command: string) => { decision: string; why: string };

  before(async () => {
    await initShellParser();
    const file = path.join(__dirname, '../../fixtures/policies/corpus-policy.yaml');
    const loaded = loadPolicyFromText(fs.readFileSync(file, 'utf8'), file, 'workspace');
    if (!loaded.ok) throw new Error('corpus policy does not load');
    const policy = compilePolicy({ layers: [loaded.layer], home: HOME });
    decide = (command) => {
      const e = evaluate({ tool: 'Bash', input: { command }, cwd: ROOT }, policy, { workspaceRoot: ROOT, home: HOME });
      return { decision: e.decision, why: e.reasons.map((r) => r.message).join('; ') };
    };
  });

  it('covers every class the box must hold', () => {
    const classes = new Set(attacks.map((a) => a.class));
    for (const c of ['read-denied', 'write-scope', 'self-settings', 'commit-unacked', 'forge-hook', 'egress', 'outlive', 'lane-secrets']) {
      assert.ok(classes.has(c as never), `no attack of class ${c}`);
    }
  });

  it('blocks every attack the analyser can see before it runs', () => {
    const leaks = attacks.filter((a) => a.engine === 'blocked').flatMap((a) => {
      const d = decide(a.command);
      return d.decision === 'allow' ? [`${a.id} \`${a.command}\`: allowed — ${d.why}`] : [];
    });
    assert.deepEqual(leaks, []);
  });
});
