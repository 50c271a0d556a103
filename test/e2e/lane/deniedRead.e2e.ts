// Scenario 1: reading a denied file — by Read, by `cat`, and hidden in a chain — never runs,
// the file's content never reaches the model, and the deny names paths.deny[0] and its line.
import * as assert from 'node:assert/strict';
import { cleanupAllLanes, runLane, type LaneRun, turn } from '../support/lane';
import { assertNoLeak, assertTraceSound, describeRun, ENV_MARKER, lineOf, POLICY, requirePrereqs, SECRET_FILES } from './common';

describe('lane: denied reads of a denied file', function () {
  this.timeout(120_000);
  let r: LaneRun;

  before(async function () {
    requirePrereqs();
    r = await runLane({
      policy: POLICY,
      files: SECRET_FILES,
      script: (d) => [
        turn.read(d, '.env', 'toolu_read_env'),
        turn.bash('cat .env', 'toolu_cat_env'),
        turn.bash('ls && cat .env', 'toolu_chain_env'),
        turn.read(d, 'README.md', 'toolu_read_readme'),
        { text: 'done' },
      ],
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
  });

  it('the agent finished normally', () => {
    assert.equal(r.exitCode, 0, describeRun(r));
    assert.equal(r.result?.subtype, 'success', describeRun(r));
  });

  it('the secret never reached the model', () => {
    assertNoLeak(r, [ENV_MARKER]);
    // …while an allowed read did (the probe works).
    assert.ok(r.api.allRequestText().includes('hello from the readme'), describeRun(r));
  });

  it('each attempt got an error tool_result naming the rule', () => {
    const results = new Map(r.toolResults().map((t) => [t.tool_use_id, t]));
    for (const id of ['toolu_read_env', 'toolu_cat_env', 'toolu_chain_env']) {
      const t = results.get(id);
      assert.ok(t, `no tool_result for ${id}\n${describeRun(r)}`);
      assert.equal(t.is_error, true, `${id}: ${t.content}`);
      assert.match(t.content, /Agent Lane: reading `\.env` is denied by `\*\*\/\.env\*`/, `${id}: ${t.content}`);
      assert.match(t.content, /paths\.deny\[0\]/, `${id}: ${t.content}`);
    }
    assert.equal(results.get('toolu_read_readme')?.is_error, false);
  });

  it('the trace records deny with paths.deny[0] at its policy line', () => {
    assertTraceSound(r);
    const line = lineOf(POLICY, '"**/.env*"');
    const byId = new Map(r.decisions().map((x) => [x.toolUseId, x]));
    for (const id of ['toolu_read_env', 'toolu_cat_env', 'toolu_chain_env']) {
      const d = byId.get(id);
      assert.ok(d, `no decision for ${id}\n${describeRun(r)}`);
      assert.equal(d.decision, 'deny');
      assert.equal(d.rule, 'paths.deny[0]');
      assert.equal(d.line, line);
      assert.equal(d.event.rules[0]?.layer, 'workspace');
      assert.ok(d.event.rules[0]?.file?.endsWith('.agentlane/policy.yaml'));
      assert.ok(d.event.paths.some((p) => p.endsWith('.env')), JSON.stringify(d.event.paths));
    }
    assert.equal(byId.get('toolu_cat_env')?.event.cmd_redacted, 'cat .env');
    assert.equal(byId.get('toolu_read_readme')?.decision, 'allow');
    // No tool.result for a call that never ran.
    const ran = new Set(r.events('tool.result').map((e) => e.tool_use_id));
    assert.ok(!ran.has('toolu_read_env') && !ran.has('toolu_cat_env') && !ran.has('toolu_chain_env'));
    assert.ok(ran.has('toolu_read_readme'));
  });
});
