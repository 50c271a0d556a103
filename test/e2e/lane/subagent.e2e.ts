// Scenario 10: a subagent's tool calls go through the same broker. The Agent call itself is
// decided on the main thread; the subagent's Read of .env is denied and its Write in scope is
// allowed, and both decisions carry the subagent's agent_id (also as the event's actor).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cleanupAllLanes, runLane, type LaneRun, turn } from '../support/lane';
import { assertNoLeak, assertTraceSound, describeRun, ENV_MARKER, POLICY, requirePrereqs, SECRET_FILES } from './common';

const SUB_PROMPT = 'SUBAGENT-TASK-7d3: read the env file, then write src/sub.ts';

describe('lane: subagent tool calls', function () {
  this.timeout(120_000);
  let r: LaneRun;

  before(async function () {
    requirePrereqs();
    r = await runLane({
      policy: POLICY,
      files: SECRET_FILES,
      conversations: (d) => [
        {
          match: 'SUBAGENT-TASK-7d3',
          turns: [
            turn.read(d, '.env', 'toolu_sub_read'),
            turn.write(d, 'src/sub.ts', 'from the subagent\n', 'toolu_sub_write'),
            { text: 'subagent done' },
          ],
        },
        {
          turns: [
            {
              toolUses: [{
                name: 'Agent',
                input: { description: 'helper', prompt: SUB_PROMPT, subagent_type: 'general-purpose', run_in_background: false },
                id: 'toolu_agent',
              }],
            },
            { text: 'done' },
          ],
        },
      ],
    });
  });
  after(async () => {
    await r?.cleanup();
    await cleanupAllLanes();
  });

  it('the subagent ran: its write landed, the secret did not leak', () => {
    assert.equal(r.exitCode, 0, describeRun(r));
    assert.equal(fs.readFileSync(r.file('src/sub.ts'), 'utf8'), 'from the subagent\n', describeRun(r));
    assertNoLeak(r, [ENV_MARKER]);
  });

  it('decisions carry agent_id for the subagent, none for the main thread', () => {
    assertTraceSound(r);
    const byId = new Map(r.decisions().map((x) => [x.toolUseId, x]));
    const spawn = byId.get('toolu_agent');
    assert.equal(spawn?.decision, 'allow', describeRun(r));
    assert.equal(spawn?.event.action, 'agent.spawn');
    assert.equal(spawn?.agentId, undefined);
    assert.equal(spawn?.event.actor, 'agent');

    const read = byId.get('toolu_sub_read');
    const write = byId.get('toolu_sub_write');
    assert.equal(read?.decision, 'deny');
    assert.equal(read?.rule, 'paths.deny[0]');
    assert.equal(write?.decision, 'allow');
    assert.ok(read?.agentId && /^[0-9a-f]+$/.test(read.agentId), `agent_id ${String(read?.agentId)}`);
    assert.equal(write?.agentId, read?.agentId);
    assert.equal(read?.event.actor, read?.agentId);
    // The tool.result of the subagent's write is attributed to it too.
    const res = r.events('tool.result').find((e) => e.tool_use_id === 'toolu_sub_write');
    assert.equal(res?.actor, read?.agentId);
  });
});
