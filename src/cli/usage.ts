/**
 * `agentlane usage` — spend by day, session, mission or model, from the transcripts on this
 * machine (exact tokens per response, priced by the same table the lane enforces with) and
 * the lane's traces (missions; sessions whose transcript is elsewhere).
 *
 * Exit codes: 0 printed; 2 usage error or an unreadable trace directory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { groupSessions, parseTraceBuffer } from '../core/audit/readEvents';
import { scanDirectory } from '../core/audit/files';
import { PRICE_SOURCE } from '../core/budget/catalog';
import { DEFAULT_PRICES, mergePrices } from '../core/budget/prices';
import { scanTranscripts } from '../core/budget/reader';
import { formatUsageTable, groupUsage, SessionDayUsage, usageCells, type UsageGroupBy } from '../core/budget/usageReport';
import { parse, UsageError, type Io } from './args';
import { defaultTraceDir } from './paths';

export const USAGE_USAGE = `usage [--by day|session|mission|model] [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD]
        [--trace-dir DIR] [--transcripts DIR] [--prices FILE.json]`;

const HELP = `usage: agentlane ${USAGE_USAGE}

  --by           grouping (default day; days are UTC)
  --transcripts  Claude Code transcripts (default: $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects)
  --prices       price overrides, as in the agentLane.prices setting (USD per million tokens)
  A \`~\` before an amount marks an estimate: a model with no known price, at the dearest rate of its family.`;

const GROUPS: readonly UsageGroupBy[] = ['day', 'session', 'mission', 'model'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function defaultTranscriptDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude'), 'projects');
}

/** Every `*.jsonl` below `dir` (sessions and their subagents); a missing directory has none. */
function transcriptFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(dir, f)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`cannot read transcripts in \`${dir}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export async function usageCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    by: { type: 'string' }, json: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' },
    'trace-dir': { type: 'string' }, transcripts: { type: 'string' }, prices: { type: 'string' }, help: { type: 'boolean' },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const by = (values.by ?? 'day') as UsageGroupBy;
  if (!GROUPS.includes(by)) throw new UsageError(`--by is one of ${GROUPS.join(', ')}, got \`${values.by ?? ''}\``);
  for (const flag of ['since', 'until'] as const) {
    const v = values[flag];
    if (v !== undefined && !DAY.test(v)) throw new UsageError(`--${flag} must be a UTC day like 2026-12-01, got \`${v}\``);
  }
  let prices = DEFAULT_PRICES;
  if (values.prices) {
    try {
      prices = mergePrices(DEFAULT_PRICES, JSON.parse(readFileSync(path.resolve(io.cwd, values.prices), 'utf8')));
    } catch (err) {
      throw new UsageError(`--prices ${values.prices}: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
    }
  }

  const traceDir = path.resolve(io.cwd, values['trace-dir'] ?? defaultTraceDir());
  const { traces } = await scanDirectory(traceDir).catch(() => ({ traces: [] as string[] }));
  const parsed = traces.map((f) => parseTraceBuffer(f, readFileSync(f)));
  const sessions = groupSessions(parsed).map((s) => s.events);

  const transcriptDir = path.resolve(io.cwd, values.transcripts ?? defaultTranscriptDir());
  const files = transcriptFiles(transcriptDir);
  const scan = new SessionDayUsage();
  const { badLines } = scanTranscripts(files, scan);

  const report = groupUsage(usageCells(scan, sessions, prices, { since: values.since, until: values.until }), by);
  if (values.json) {
    io.out(JSON.stringify({
      ...report,
      sources: { transcripts: transcriptDir, transcriptFiles: files.length, badLines, traceDir, traces: traces.length, prices: PRICE_SOURCE },
    }, null, 2));
  } else {
    for (const line of formatUsageTable(report)) io.out(line);
    io.err(`agentlane: ${files.length} transcript files in ${transcriptDir}, ${traces.length} traces in ${traceDir}; prices ${PRICE_SOURCE.package} ${PRICE_SOURCE.version}`);
    if (badLines > 0) io.err(`agentlane: ${badLines} transcript lines could not be read (skipped)`);
  }
  return 0;
}
