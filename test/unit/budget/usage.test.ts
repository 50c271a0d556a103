import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageCommand } from '../../../src/cli/usage';
import { priorSpend } from '../../../src/core/audit/priorSpend';
import { memoryIo, SessionBuilder } from '../audit/traceBuilder';
import { tempDir } from './helpers';

const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

/** One assistant line as Claude Code writes it (content left out: the meter never reads it). */
function line(session: string, ts: string, msg: string, model: string, input: number, output: number, extra: Record<string, number> = {}): string {
  return JSON.stringify({
    type: 'assistant', sessionId: session, timestamp: ts, requestId: `req_${msg}`, isSidechain: false,
    message: { id: msg, model, role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: input, output_tokens: output, ...extra } },
  });
}

interface Machine {
  dir: string;
  transcripts: string;
  traces: string;
  cleanup: () => void;
}

/**
 * Two days of work on one machine: S1 (mission M-1) on 12-01 with the CLI's default model and
 * a subagent on haiku; S2 (no mission) on 12-01 and past midnight on 12-02 with a model no
 * table knows; S3 only in a trace (its transcript is on another machine).
 */
async function machine(): Promise<Machine> {
  const { dir, cleanup } = tempDir();
  const transcripts = path.join(dir, 'projects');
  const traces = path.join(dir, 'traces');
  fs.mkdirSync(path.join(transcripts, '-ws', S1, 'subagents'), { recursive: true });
  fs.mkdirSync(traces);
  const s1 = [
    line(S1, '2026-12-01T09:00:00.000Z', 'msg_a', 'claude-opus-5-5', 1000, 200),
    // The same response again (one line per content block): counted once.
    line(S1, '2026-12-01T09:00:00.500Z', 'msg_a', 'claude-opus-5-5', 1000, 200),
    line(S1, '2026-12-01T09:01:00.000Z', 'msg_b', 'claude-opus-5-5', 2000, 100, { cache_read_input_tokens: 10_000 }),
  ];
  fs.writeFileSync(path.join(transcripts, '-ws', `${S1}.jsonl`), `${s1.join('\n')}\n`);
  fs.writeFileSync(path.join(transcripts, '-ws', S1, 'subagents', 'agent-x.jsonl'), `${line(S1, '2026-12-01T09:02:00.000Z', 'msg_c', 'claude-haiku-4-5', 5000, 1000)}\n`);
  const s2 = [
    line(S2, '2026-12-01T23:59:00.000Z', 'msg_d', 'claude-opus-5-5', 1000, 0),
    line(S2, '2026-12-02T00:01:00.000Z', 'msg_e', 'claude-nova-9', 1000, 0),
  ];
  fs.writeFileSync(path.join(transcripts, '-ws', `${S2}.jsonl`), `${s2.join('\n')}\n`);
  await new SessionBuilder({ sessionId: S1, missionId: 'M-1', t0: '2026-12-01T08:59:00.000Z' }).budget(0.03).end().write(path.join(traces, `${S1}.trace.jsonl`));
  await new SessionBuilder({ sessionId: S3, missionId: 'M-1', t0: '2026-12-02T10:00:00.000Z' }).budget(0.5).budget(1.25).end().write(path.join(traces, `${S3}.trace.jsonl`));
  return { dir, transcripts, traces, cleanup };
}

// Expected, at $4/$20 (opus-5-5, cache read $0.2), $1/$5 (haiku-4-5), nova estimated at the dearest Claude ($15 in):
const A = (1000 * 4 + 200 * 20) / 1e6; // 0.008
const B = (2000 * 4 + 100 * 20 + 10_000 * 0.2) / 1e6; // 0.012
const C = (5000 * 1 + 1000 * 5) / 1e6; // 0.01
const D = (1000 * 4) / 1e6; // 0.004
const E = (1000 * 15) / 1e6; // 0.015 (estimated)

async function run(m: Machine, args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = memoryIo(m.dir);
  const code = await usageCommand(['--trace-dir', m.traces, '--transcripts', m.transcripts, ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

type Json = { rows: Array<{ key: string; usd: number; sessions: number; responses: number; estimated: boolean }>; total: { usd: number; responses: number } };

describe('budget / agentlane usage', () => {
  let m: Machine;
  before(async () => { m = await machine(); });
  after(() => m.cleanup());

  it('by day: each response once, booked to its own UTC day, trace-only sessions included', async () => {
    const r = await run(m, ['--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const j = JSON.parse(r.out.join('\n')) as Json;
    const byKey = Object.fromEntries(j.rows.map((x) => [x.key, x]));
    assert.deepEqual(j.rows.map((x) => x.key), ['2026-12-01', '2026-12-02']);
    assert.ok(Math.abs(byKey['2026-12-01']!.usd - (A + B + C + D)) < 1e-12, String(byKey['2026-12-01']!.usd));
    assert.ok(Math.abs(byKey['2026-12-02']!.usd - (E + 1.25)) < 1e-12, String(byKey['2026-12-02']!.usd));
    assert.equal(byKey['2026-12-01']!.responses, 4);
    assert.equal(byKey['2026-12-02']!.estimated, true);
    assert.equal(j.total.responses, 5);
  });

  it('by mission and by session: missions come from the traces', async () => {
    const mission = JSON.parse((await run(m, ['--json', '--by', 'mission'])).out.join('\n')) as Json;
    const byKey = Object.fromEntries(mission.rows.map((x) => [x.key, x]));
    assert.ok(Math.abs(byKey['M-1']!.usd - (A + B + C + 1.25)) < 1e-12);
    assert.equal(byKey['M-1']!.sessions, 2);
    assert.ok(Math.abs(byKey['(no mission)']!.usd - (D + E)) < 1e-12);
    const session = JSON.parse((await run(m, ['--json', '--by', 'session'])).out.join('\n')) as Json;
    assert.deepEqual(session.rows.map((x) => x.key), [S3, S1, S2]);
  });

  it('by model, with --since narrowing to days', async () => {
    const r = JSON.parse((await run(m, ['--json', '--by', 'model', '--since', '2026-12-02'])).out.join('\n')) as Json;
    assert.deepEqual(r.rows.map((x) => [x.key, x.estimated]), [['(trace only)', false], ['claude-nova-9', true]]);
  });

  it('prints a table with the estimate marked', async () => {
    const r = await run(m, ['--by', 'model']);
    assert.equal(r.code, 0);
    assert.match(r.out[0] ?? '', /^model\s+sessions\s+responses\s+input\s+output\s+cache write\s+cache read\s+USD$/);
    assert.ok(r.out.some((l) => /^claude-nova-9\s+1\s+1\s+1,000\s+0\s+0\s+0\s+~0\.0150$/.test(l)), r.out.join('\n'));
    assert.ok(r.out.some((l) => l.startsWith('~ includes an estimate')));
    assert.match(r.err.join('\n'), /2 transcript files|3 transcript files/);
  });

  it('refuses a bad grouping or day with a usage error', async () => {
    await assert.rejects(run(m, ['--by', 'week']), /--by is one of day, session, mission, model/);
    await assert.rejects(run(m, ['--since', 'yesterday']), /--since must be a UTC day/);
  });

  it('prior spend for the caps that span sessions: today on this machine, and the mission', async () => {
    const p = await priorSpend(m.traces, { now: new Date('2026-12-02T12:00:00Z'), missionId: 'M-1' });
    assert.deepEqual(p, { todayUsd: 1.25, missionUsd: 1.28, unreadable: [] });
    assert.deepEqual(await priorSpend(path.join(m.dir, 'nowhere')), { todayUsd: 0, missionUsd: 0, unreadable: [] });
  });
});
