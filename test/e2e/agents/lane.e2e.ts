// The shared scenario table (scenarios.ts) run with the real Gemini CLI and the real Codex CLI
// under `agentlane run`, against local fake model servers started by the tests.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { CLI_JS } from '../support/lane';
import { agentBin, agentInstalled, describeAgentRun, runAgentLane, type AgentRun, type OtherAgent } from '../support/runAgentLane';
import { POLICY } from '../lane/common';
import { SCENARIOS } from './scenarios';

for (const kind of ['gemini', 'codex'] as OtherAgent[]) {
  describe(`lane with ${kind}: shared scenarios`, function () {
    this.timeout(240_000);
    before(function () {
      if (!fs.existsSync(CLI_JS)) throw new Error(`no ${CLI_JS}: run node esbuild.mjs`);
      if (!agentInstalled(kind)) throw new Error(`no ${kind} at ${agentBin(kind)}: run scripts/install-agents.sh`);
    });

    for (const sc of SCENARIOS) {
      it(sc.name, async () => {
        const r: AgentRun = await runAgentLane({
          kind, policy: POLICY, files: sc.files, script: sc.script[kind], killLaneAfterResults: sc.killLaneAfterResults,
        });
        try {
          const why = describeAgentRun(r);
          assert.ok(r.verify.ok, `trace does not verify: ${JSON.stringify(r.verify)}\n${why}`);
          assert.equal(r.trace[0]?.event, 'session.start');
          assert.equal(r.trace[0]?.event === 'session.start' ? r.trace[0].agent.name : '', kind);
          if (sc.killLaneAfterResults === undefined) {
            assert.equal(r.trace.at(-1)?.event, 'session.end', why);
          }
          if (sc.expect.decisions) {
            const got = r.decisions();
            assert.equal(got.length, sc.expect.decisions.length, why);
            sc.expect.decisions.forEach((want, i) => {
              assert.equal(got[i].decision, want.decision, why);
              if (want.rule) assert.match(`${got[i].rule ?? ''} ${got[i].message}`, want.rule, why);
            });
          }
          for (const [rel, content] of Object.entries(sc.expect.files ?? {})) {
            assert.equal(fs.existsSync(r.file(rel)) ? fs.readFileSync(r.file(rel), 'utf8') : '(missing)', content, `${rel}\n${why}`);
          }
          for (const rel of sc.expect.absent ?? []) assert.ok(!fs.existsSync(r.file(rel)), `${rel} exists\n${why}`);
          for (const m of sc.expect.neverSent ?? []) assert.ok(!r.model.allText().includes(m), `${m} reached the model\n${why}`);
          if (sc.expect.commits !== undefined) {
            const n = Number(execFileSync('git', ['-C', r.dirs.ws, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim());
            assert.equal(n, sc.expect.commits, why);
          }
          // The CLI got at least one model turn: the scenario really ran through the agent.
          assert.ok(r.model.turns() >= 1, why);
        } finally {
          await r.cleanup();
        }
      });
    }
  });
}
