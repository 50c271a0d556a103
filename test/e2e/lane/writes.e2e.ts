// Scenarios 2 and 3: writes inside the scope land on disk; protected paths wait for the headless
// approver (allow once, then deny), and `--approve-none` denies them with its reason.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupAllLanes, runLane, type LaneDirs, type LaneRun, turn } from '../support/lane';
import { assertTraceSound, describeRun, lineOf, POLICY, requirePrereqs, SECRET_FILES } from './common';

/** An approver that allows the first request and denies every later one; it logs what it was asked. */
function writeApprover(d: LaneDirs): string {
  const script = path.join(d.scratch, 'approver.js');
  fs.writeFileSync(script, `
const fs = require('node:fs');
const state = ${JSON.stringify(path.join(d.scratch, 'approver.count'))};
let n = 0;
try { n = Number(fs.readFileSync(state, 'utf8')); } catch {}
fs.writeFileSync(state, String(n + 1));
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  fs.appendFileSync(${JSON.stringify(path.join(d.scratch, 'approver.log'))}, input + '\\n');
  process.stdout.write(n === 0 ? 'allow-once\\n' : 'deny not today\\n');
});
`);
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`;
}

describe('lane: writes', function () {
  this.timeout(120_000);
  before(requirePrereqs);
  after(cleanupAllLanes);

  describe('allowed edit inside the write scope', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: POLICY,
        files: SECRET_FILES,
        script: (d) => [
          turn.write(d, 'src/a.ts', 'export const a = 1;\n', 'toolu_write_a'),
          { toolUses: [{ name: 'Edit', input: { file_path: path.join(d.ws, 'src/a.ts'), old_string: 'a = 1', new_string: 'a = 42' }, id: 'toolu_edit_a' }] },
          turn.write(d, 'docs/out.md', 'outside scope\n', 'toolu_write_docs'),
          { text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('the file on disk is as scripted (Write, then Edit)', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(fs.readFileSync(r.file('src/a.ts'), 'utf8'), 'export const a = 42;\n', describeRun(r));
    });

    it('a write outside the scope did not happen', () => {
      assert.equal(fs.existsSync(r.file('docs/out.md')), false);
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_write_docs');
      assert.equal(t?.is_error, true);
      assert.match(t?.content ?? '', /outside the write scope/);
    });

    it('the trace has allow, allow, deny paths.write and the results of the two that ran', () => {
      assertTraceSound(r);
      const ds = r.decisions();
      assert.deepEqual(ds.map((x) => [x.toolUseId, x.tool, x.decision]), [
        ['toolu_write_a', 'Write', 'allow'], ['toolu_edit_a', 'Edit', 'allow'], ['toolu_write_docs', 'Write', 'deny'],
      ], describeRun(r));
      assert.equal(ds[0]?.event.action, 'file.write');
      assert.deepEqual(ds[0]?.event.paths, ['src/a.ts'], 'workspace paths are traced relative to the workspace');
      assert.equal(ds[2]?.rule, 'paths.write');
      assert.equal(ds[2]?.line, lineOf(POLICY, 'write: ['));
      const results = r.events('tool.result');
      assert.deepEqual(results.map((e) => [e.tool_use_id, e.ok]), [['toolu_write_a', true], ['toolu_edit_a', true]]);
    });
  });

  describe('protected write with an approver: allow once, then deny', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: POLICY,
        files: SECRET_FILES,
        approver: writeApprover,
        script: (d) => [
          turn.write(d, '.github/workflows/ci.yml', 'name: ci\n', 'toolu_ci_1'),
          turn.write(d, '.github/workflows/release.yml', 'name: release\n', 'toolu_ci_2'),
          { text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('the first write landed, the second did not', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(fs.readFileSync(r.file('.github/workflows/ci.yml'), 'utf8'), 'name: ci\n', describeRun(r));
      assert.equal(fs.existsSync(r.file('.github/workflows/release.yml')), false);
    });

    it('the approver was asked twice, with the call and the rule', () => {
      const log = fs.readFileSync(path.join(r.dirs.scratch, 'approver.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(log.length, 2);
      assert.equal(log[0]?.tool, 'Write');
      assert.equal(log[0]?.toolUseId, 'toolu_ci_1');
      assert.match(String(log[0]?.summary), /ci\.yml/);
      assert.match(JSON.stringify(log[0]?.reasons), /paths\.protect\[0\]/);
    });

    it('the agent saw the deny reason of the approver', () => {
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_ci_2');
      assert.equal(t?.is_error, true);
      assert.match(t?.content ?? '', /denied by approver:\S+: not today/);
    });

    it('the trace has approval.requested, approval.answered (by, answer) and the final decisions', () => {
      assertTraceSound(r);
      const by = `approver:${os.userInfo().username}`;
      const req = r.events('approval.requested');
      const ans = r.events('approval.answered');
      assert.deepEqual(req.map((e) => e.tool_use_id), ['toolu_ci_1', 'toolu_ci_2']);
      assert.match(req[0]?.reason ?? '', /needs approval: protected by `\.github\/workflows\/\*\*`/);
      assert.deepEqual(ans.map((e) => [e.approval_id, e.answer, e.by, e.reason]), [
        [req[0]?.approval_id, 'allow-once', by, null],
        [req[1]?.approval_id, 'deny', by, 'not today'],
      ]);
      assert.equal(ans[0]?.actor, 'supervisor');
      const ds = r.decisions();
      assert.deepEqual(ds.map((x) => [x.toolUseId, x.decision, x.rule]), [
        ['toolu_ci_1', 'allow', 'approval.allowed'],
        ['toolu_ci_2', 'deny', 'approval.denied'],
      ]);
      // The allow keeps the policy rule that asked, with its line.
      const protect = ds[0]?.event.rules.find((x) => x.rule === 'paths.protect[0]');
      assert.equal(protect?.line, lineOf(POLICY, 'protect:'));
      // Order: requested → answered → decision, for each call.
      const order = r.trace.map((e) => e.event).filter((e) => e.startsWith('approval') || e === 'tool.decision');
      assert.deepEqual(order.slice(0, 6), [
        'approval.requested', 'approval.answered', 'tool.decision', 'approval.requested', 'approval.answered', 'tool.decision',
      ]);
    });
  });

  describe('protected write with --approve-none', () => {
    let r: LaneRun;
    before(async () => {
      r = await runLane({
        policy: POLICY,
        files: SECRET_FILES,
        script: (d) => [
          turn.write(d, '.github/workflows/ci.yml', 'name: ci\n', 'toolu_ci_none'),
          { text: 'done' },
        ],
      });
    });
    after(() => r?.cleanup());

    it('is denied with the reason, and nothing is written', () => {
      assert.equal(r.exitCode, 0, describeRun(r));
      assert.equal(fs.existsSync(r.file('.github/workflows/ci.yml')), false);
      const t = r.toolResults().find((x) => x.tool_use_id === 'toolu_ci_none');
      assert.equal(t?.is_error, true);
      assert.match(t?.content ?? '', /Agent Lane: (denied by system: )?this headless lane approves nothing \(--approve-none\)/);
      assert.match(t?.content ?? '', /approval\.denied/);
      assertTraceSound(r);
      const ans = r.events('approval.answered');
      assert.equal(ans.length, 1);
      assert.equal(ans[0]?.answer, 'deny');
      assert.equal(ans[0]?.by, 'system');
      assert.equal(ans[0]?.actor, 'system');
      assert.equal(r.decisions()[0]?.decision, 'deny');
      assert.equal(r.decisions()[0]?.rule, 'approval.denied');
    });
  });
});
