/**
 * `agentlane budget export` — one team's budget ledger row for one period (docs/ARCHITECTURE.md "Budget
 * ledger export (FinOps)"). The aggregation is core/budget/finopsExport.ts (pure); this file
 * reads the traces and the mission files, asks git where the sessions' commits were merged,
 * and writes the row only when it passes the schema.
 *
 * Exit codes: 0 written; 2 usage, unreadable input, no attribution or cap, or an invalid row
 * (nothing is written then).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { auditCommand } from '../core/audit/cliSupport';
import { AuditError } from '../core/audit/errors';
import { scanDirectory } from '../core/audit/files';
import { git } from '../core/audit/git';
import { groupSessions, readTraceFile } from '../core/audit/readEvents';
import { verifyTraceSet } from '../core/audit/verifyTraces';
import { buildFinopsRow, linkedCommits, selectTeamSessions, type FinopsMission } from '../core/budget/finopsExport';
import { parsePeriod } from '../core/budget/period';
import { loadMissionFromText } from '../core/mission/load';
import { parse, UsageError, type Io } from './args';
import { defaultTraceDir } from './paths';
import { describeError } from '../core/common/errors';

export const BUDGET_USAGE = `budget export --period PERIOD --team TEAM --out FILE.json [--trace-dir DIR | --ledger DIR]
                [--repo DIR] [--branch BRANCH] [--cap-usd N] [--cap-hours N]`;

const HELP = `usage: agentlane ${BUDGET_USAGE}

  PERIOD      2026 | 2026-H1 | 2026-Q2 | 2026-05 (UTC); a session counts in the period it started in
  TEAM        sessions whose mission (.agentlane/missions/*.yaml in --repo) has attribution.team TEAM
  --repo      repository with the mission files and the branch PRs merge into (default: the cwd)
  --branch    target branch for merged PRs (default: main)
  --cap-usd   USD cap (default: sum of budget.usd of the team's missions active in the period)
  --cap-hours hours cap (default: none; missions cap minutes per session, not per period)`;

/** `agentlane budget <subcommand> …`; `args` starts with the subcommand. */
export async function budgetCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return budgetExport(rest, io);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(HELP);
    return 0;
  }
  throw new UsageError(`unknown budget command \`${sub ?? ''}\`\n${HELP}`);
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required\n${HELP}`);
  return value;
}

function amount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  // Only "is it a number": the sign and range are the schema's call, so a negative cap is
  // refused with the same reason a bad row from any other source would get.
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got \`${value}\``);
  return n;
}

/** `--ledger` names a directory ledger (`dir:/path` or a path); other sinks cannot be read back here. */
function ledgerDir(url: string, cwd: string): string {
  const m = /^([a-z][a-z0-9+.-]*):(?!\\)/i.exec(url);
  if (m && m[1]!.toLowerCase() !== 'dir' && !/^[a-z]$/i.test(m[1]!)) {
    throw new UsageError(`--ledger: only a directory ledger (dir:/path) can be read back for an export, not \`${m[1]}:\``);
  }
  return path.resolve(cwd, m && m[1]!.toLowerCase() === 'dir' ? url.slice(m[0].length) : url);
}

async function budgetExport(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    period: { type: 'string' }, team: { type: 'string' }, out: { type: 'string' },
    'trace-dir': { type: 'string' }, ledger: { type: 'string' }, repo: { type: 'string' }, branch: { type: 'string' },
    'cap-usd': { type: 'string' }, 'cap-hours': { type: 'string' },
  });
  const periodText = required(values.period, '--period');
  const period = parsePeriod(periodText);
  if (!period) throw new UsageError(`--period must be YYYY, YYYY-H1, YYYY-Q2 or YYYY-MM, got \`${periodText}\``);
  const team = required(values.team, '--team');
  const out = path.resolve(io.cwd, required(values.out, '--out'));
  if (values['trace-dir'] !== undefined && values.ledger !== undefined) throw new UsageError('give either --trace-dir or --ledger, not both');
  const caps = { usd: amount(values['cap-usd'], '--cap-usd'), hours: amount(values['cap-hours'], '--cap-hours') };
  const branch = values.branch ?? 'main';

  return auditCommand(io, async () => {
    const dir = values.ledger !== undefined ? ledgerDir(values.ledger, io.cwd) : path.resolve(io.cwd, values['trace-dir'] ?? defaultTraceDir());
    const repo = path.resolve(io.cwd, values.repo ?? '.');
    const warn = (line: string): void => io.err(`agentlane: warning: ${line}`);

    const missions = await readMissions(repo, warn);
    const scan = await scanDirectory(dir);
    const sessions = groupSessions((await Promise.all(scan.traces.map(readTraceFile))).map((r) => r.parsed));
    const events = sessions.map((s) => s.events);

    // Only the team's commits need git, and only the team's traces need a verdict.
    const selected = selectTeamSessions(team, period, events, missions);
    const merges = await resolveMergePoints(repo, branch, linkedCommits(selected.sessions));
    if (!merges.ok) throw new AuditError('unreadable', `cannot count merged PRs: ${merges.reason}`);
    if (merges.unknown.length > 0) warn(`commits not in ${repo} (not counted as merged): ${merges.unknown.join(', ')}`);
    const ids = new Set(selected.sessions.map((s) => s[0]!.session_id));
    if (ids.size > 0) {
      const verdict = await verifyTraceSet(scan.traces, scan.checkpointLogs);
      const broken = [...ids].filter((id) => verdict.sessionIntact.get(id) !== true).sort();
      if (broken.length > 0) warn(`traces of sessions ${broken.join(', ')} do not verify (run agentlane verify): their figures are used as recorded`);
    }

    const result = buildFinopsRow({
      team, period, sessions: events, missions, caps,
      mergePointOf: (sha) => merges.points.get(sha),
    });
    for (const w of result.warnings) warn(w);
    if (!result.ok) {
      io.err(`agentlane: ${result.message}`);
      return 2;
    }
    await writeAtomically(out, `${JSON.stringify(result.row, null, 2)}\n`);
    const r = result.row;
    io.out(`wrote ${out}: ${r.team_id} ${r.period}: $${r.actuals.agent_usd.toFixed(2)} of $${r.caps.agent_usd.toFixed(2)}, `
      + `${r.actuals.merged_prs} merged PRs, ${r.actuals.sessions ?? 0} sessions, ${r.actuals.agent_hours ?? 0} h`);
    return 0;
  });
}

/** A reader of the file sees the old row or the new one, never half of it. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw new AuditError('unreadable', `cannot write \`${file}\` (${(err as NodeJS.ErrnoException).code ?? describeError(err)})`);
  }
}

/** `<repo>/.agentlane/missions/*.yaml` by id; a bad file is named and skipped, not fatal. */
export async function readMissions(repo: string, warn: (line: string) => void): Promise<Map<string, FinopsMission>> {
  const dir = path.join(repo, '.agentlane', 'missions');
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new AuditError('unreadable', `cannot read \`${dir}\` (${(err as NodeJS.ErrnoException).code ?? describeError(err)})`);
  }
  const missions = new Map<string, FinopsMission>();
  for (const name of names) {
    const file = path.join(dir, name);
    const loaded = loadMissionFromText(await fsp.readFile(file, 'utf8'), file);
    if (!loaded.ok) {
      const first = loaded.errors[0];
      warn(`skipping mission ${file}: ${first ? `line ${first.line}: ${first.message}` : 'invalid'}`);
      continue;
    }
    const m = loaded.mission;
    if (missions.has(m.id)) warn(`mission id ${m.id} appears twice; using the first file`);
    else missions.set(m.id, { id: m.id, attribution: m.attribution, budget: m.budget });
  }
  return missions;
}

export type MergePoints =
  | { ok: true; points: Map<string, string>; unknown: string[] }
  | { ok: false; reason: string };

/**
 * Where each commit reached `branch`: itself when it is on the branch's first-parent chain,
 * else the oldest first-parent commit that descends from it (the merge commit that brought it
 * in). Commits not on the branch get no entry; commits the repository lacks are listed in
 * `unknown`.
 *
 * Why not `git rev-list --first-parent --ancestry-path <sha>..<branch>`: with --first-parent
 * the walk never visits the merged side branch, so git (2.39 measured) only finds the merge
 * when <sha> is the side branch's tip and prints nothing for earlier commits of the same PR.
 * So we take the full ancestry path and intersect it with the first-parent chain.
 */
export async function resolveMergePoints(repo: string, branch: string, shas: readonly string[]): Promise<MergePoints> {
  const points = new Map<string, string>();
  if (shas.length === 0) return { ok: true, points, unknown: [] };
  const tip = await git(repo, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`]);
  if (!tip.ok) return { ok: false, reason: `no branch \`${branch}\` in \`${repo}\`${tip.reason.startsWith('Command failed') ? '' : ` (${tip.reason})`}` };
  const chainOut = await git(repo, ['rev-list', '--first-parent', branch, '--']);
  if (!chainOut.ok) return { ok: false, reason: chainOut.reason };
  const chain = chainOut.stdout.toString('utf8').split('\n').filter(Boolean);
  const onChain = new Set(chain);
  const unknown: string[] = [];
  for (const sha of shas) {
    if (onChain.has(sha)) { points.set(sha, sha); continue; }
    const exists = await git(repo, ['cat-file', '-e', `${sha}^{commit}`]);
    if (!exists.ok) { unknown.push(sha); continue; }
    const ancestry = await git(repo, ['rev-list', '--ancestry-path', `${sha}..${branch}`, '--']);
    if (!ancestry.ok) return { ok: false, reason: ancestry.reason };
    const descendants = new Set(ancestry.stdout.toString('utf8').split('\n').filter(Boolean));
    // The chain's descendants of `sha` are a prefix of the chain (tip first): its last one merged it.
    let i = 0;
    while (i < chain.length && descendants.has(chain[i]!)) i++;
    if (i > 0) points.set(sha, chain[i - 1]!);
  }
  return { ok: true, points, unknown };
}
