// Scenario 6: MCP tiers with the fake stdio MCP server. T0 → allowed and the echo comes back;
// T2 → denied and the server never sees tools/call; T1 → held, the approver allows, it runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fakeMcpConfig } from '../support/fakeMcpServer';
import { cleanupAllLanes, runLane, type LaneDirs, type LaneRun } from '../support/lane';
import { assertTraceSound, describeRun, lineOf, POLICY, requirePrereqs, SECRET_FILES } from './common';

const ECHO = 'mcp-echo-payload-5512';

function policyWithTier(tier: 'T0' | 'T1' | 'T2'): string {
  return `${POLICY}mcp:\n  tiers:\n    fake: ${tier}\n`;
}

function mcpArgs(d: LaneDirs): string[] {
  const file = path.join(d.scratch, 'mcp.json');
  // The server runs inside the agent's box: it can only write where the agent can.
  fs.writeFileSync(file, JSON.stringify(fakeMcpConfig(path.join(d.ws, 'src', 'mcp.log'))));
  return ['--mcp-config', file, '--strict-mcp-config'];
}

function mcpCalls(r: LaneRun): number {
  let log = '';
  try {
    log = fs.readFileSync(path.join(r.ws, 'src', 'mcp.log'), 'utf8');
  } catch {
    return 0;
  }
  return log.split('\n').filter((l) => l.includes('"tools/call"')).length;
}

function runTier(tier: 'T0' | 'T1' | 'T2', approver?: (d: LaneDirs) => string): Promise<LaneRun> {
  return runLane({
    policy: policyWithTier(tier),
    files: SECRET_FILES,
    agentArgs: mcpArgs,
    approver,
    script: [
      { toolUses: [{ name: 'mcp__fake__echo', input: { text: ECHO }, id: 'toolu_mcp_echo' }] },
      { text: 'done' },
    ],
  });
}

describe('lane: MCP tiers', function () {
  this.timeout(180_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  it('T0: allowed, logged, and the echo result returned', async () => {
    const r = await runTier('T0');
    try {
      assert.equal(r.exitCode, 0, describeRun(r));
      assertTraceSound(r);
      const d = r.decisions()[0];
      assert.equal(d?.tool, 'mcp__fake__echo', describeRun(r));
      assert.equal(d?.decision, 'allow');
      assert.equal(d?.event.action, 'mcp.call');
      assert.equal(d?.rule, 'mcp.tiers.fake');
      assert.equal(d?.line, lineOf(policyWithTier('T0'), 'fake: T0'));
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_mcp_echo');
      assert.equal(t?.is_error, false, describeRun(r));
      assert.match(t?.content ?? '', new RegExp(`echo: ${ECHO}`));
      assert.equal(mcpCalls(r), 1);
    } finally {
      await r.cleanup();
    }
  });

  it('T2: denied, and the server never gets the call', async () => {
    const r = await runTier('T2');
    try {
      assert.equal(r.exitCode, 0, describeRun(r));
      assertTraceSound(r);
      const d = r.decisions()[0];
      assert.equal(d?.decision, 'deny', describeRun(r));
      assert.equal(d?.rule, 'mcp.tiers.fake');
      assert.match(d?.message ?? '', /tier T2 \(denied\)/);
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_mcp_echo');
      assert.equal(t?.is_error, true);
      assert.ok(!(t?.content ?? '').includes(`echo: ${ECHO}`));
      assert.equal(mcpCalls(r), 0);
    } finally {
      await r.cleanup();
    }
  });

  it('T1: held for approval; the approver allows and it runs', async () => {
    const r = await runTier('T1', (d) => {
      const script = path.join(d.scratch, 'allow.sh');
      fs.writeFileSync(script, '#!/bin/sh\ncat > /dev/null\necho \'{"answer":"allow-once","by":"mcp-approver"}\'\n', { mode: 0o755 });
      return script;
    });
    try {
      assert.equal(r.exitCode, 0, describeRun(r));
      assertTraceSound(r);
      const req = r.events('approval.requested');
      const ans = r.events('approval.answered');
      assert.equal(req.length, 1, describeRun(r));
      assert.match(req[0]?.reason ?? '', /tier T1 \(held for approval\)/);
      assert.deepEqual(ans.map((e) => [e.answer, e.by]), [['allow-once', 'mcp-approver']]);
      const d = r.decisions()[0];
      assert.equal(d?.decision, 'allow');
      assert.equal(d?.rule, 'approval.allowed');
      assert.ok(d?.event.rules.some((x) => x.rule === 'mcp.tiers.fake'));
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_mcp_echo');
      assert.equal(t?.is_error, false, describeRun(r));
      assert.match(t?.content ?? '', new RegExp(`echo: ${ECHO}`));
      assert.equal(mcpCalls(r), 1);
    } finally {
      await r.cleanup();
    }
  });
});
