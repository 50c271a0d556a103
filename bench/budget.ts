/**
 * Budget meter benchmark: full scan of a generated transcript corpus (default 500 MB), the
 * incremental update after a 1 MB append, peak RSS, and the same corpus through `ccusage`
 * (current native build and the last Node build, v18) in the same run, each checked against
 * the generator's de-duplicated truth.
 *
 *   npx tsx bench/budget.ts [--mb 500] [--regen] [--no-ccusage]
 *
 * Our scans run in a fresh child process so peak RSS is not polluted by corpus generation.
 * ccusage is installed into private prefixes under .bench-tmp/ (git-ignored), never the repo.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PRICES, TranscriptMeter, UsageAccumulator, meterReading, type UsageTotals } from '../src/core/budget';
import { generateCorpus, type CorpusTruth, type TruthTokens } from './gen-transcripts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const ROOT = path.join(__dirname, '..');
const TMP = path.join(ROOT, '.bench-tmp');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function listTranscripts(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) listTranscripts(p, out);
    else if (entry.name.endsWith('.jsonl')) out.push(p);
  }
  return out.sort();
}

function sumTokens(totals: UsageTotals): TruthTokens {
  const t: TruthTokens = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
  for (const m of totals.byModel) {
    t.input += m.tokens.input;
    t.output += m.tokens.output;
    t.cacheWrite5m += m.tokens.cacheWrite5m;
    t.cacheWrite1h += m.tokens.cacheWrite1h;
    t.cacheRead += m.tokens.cacheRead;
  }
  return t;
}

function sameTokens(a: TruthTokens, b: TruthTokens): boolean {
  return a.input === b.input && a.output === b.output && a.cacheWrite5m === b.cacheWrite5m && a.cacheWrite1h === b.cacheWrite1h && a.cacheRead === b.cacheRead;
}

interface ScanReport {
  files: number;
  bytes: number;
  coldMs: number;
  warmMs: number;
  peakRssDeltaMb: number;
  tokens: TruthTokens;
  responses: number;
  badLines: number;
  usd: number;
  appendMs?: number;
  appendBytesRead?: number;
  appendBytes?: number;
  appendResponses?: number;
  appendExpectedResponses?: number;
}

function scanOnce(files: string[]): { ms: number; totals: UsageTotals; bytes: number; badLines: number } {
  const accumulator = new UsageAccumulator();
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  let badLines = 0;
  for (const file of files) {
    const r = new TranscriptMeter(file, { accumulator }).read();
    bytes += r.bytesRead;
    badLines += r.badLines;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, totals: accumulator.totals(), bytes, badLines };
}

/** Runs in the child: measure, print one JSON line. */
function childScan(dir: string, fraction: number, withAppend: boolean): void {
  const all = listTranscripts(path.join(dir, 'projects'));
  const files = all.slice(0, Math.max(1, Math.round(all.length * fraction)));
  const baselineKb = process.resourceUsage().maxRSS;
  const cold = scanOnce(files);
  const peakKb = process.resourceUsage().maxRSS;
  const warm = scanOnce(files);
  const report: ScanReport = {
    files: files.length,
    bytes: cold.bytes,
    coldMs: cold.ms,
    warmMs: warm.ms,
    peakRssDeltaMb: (peakKb - baselineKb) / 1024,
    tokens: sumTokens(cold.totals),
    responses: cold.totals.responses,
    badLines: cold.badLines,
    usd: meterReading({ usage: cold.totals, prices: DEFAULT_PRICES }).usd,
  };
  if (withAppend) Object.assign(report, measureAppend(all));
  process.stdout.write(JSON.stringify(report) + '\n');
}

/** A meter that has read a large session; 1 MB of new lines arrive; time the update. */
function measureAppend(files: string[]): Partial<ScanReport> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'agentlane-bench-append-'));
  try {
    const largest = files.reduce((a, b) => (fs.statSync(a).size >= fs.statSync(b).size ? a : b));
    const target = path.join(work, 'session.jsonl');
    fs.copyFileSync(largest, target);
    const extra = generateCorpus({ dir: path.join(work, 'extra'), mb: 1, seed: 7 });
    const appended = fs.readFileSync(extra.files[0]);
    const meter = new TranscriptMeter(target);
    meter.read();
    fs.appendFileSync(target, appended);
    const t0 = process.hrtime.bigint();
    const r = meter.read();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const expected = JSON.parse(fs.readFileSync(path.join(work, 'extra', 'truth.json'), 'utf8')) as CorpusTruth;
    return { appendMs: ms, appendBytesRead: r.bytesRead, appendBytes: appended.length, appendResponses: r.responsesAdded, appendExpectedResponses: expected.responses };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function runChild(dir: string, fraction: number, withAppend: boolean): ScanReport {
  const out = execFileSync(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), __filename, '--child-scan', dir, '--fraction', String(fraction), ...(withAppend ? ['--append'] : [])],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ScanReport;
}

// ---------------------------------------------------------------- ccusage

interface CcusageRun {
  label: string;
  seconds?: number;
  maxRssMb?: number;
  tokens?: { input: number; output: number; cacheCreation: number; cacheRead: number };
  usd?: number;
  problem?: string;
}

function npm(args: string[]): string {
  return execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 }).trim();
}

/** Install `spec` into a private prefix; returns the command to run, or why it cannot run. */
function installCcusage(prefix: string, spec: string): { command: string[]; version: string } | { problem: string } {
  try {
    const pkg = path.join(prefix, 'node_modules', 'ccusage', 'package.json');
    const wanted = spec.split('@')[1];
    const have = fs.existsSync(pkg) ? (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version : undefined;
    if (!have || !(have === wanted || have.startsWith(`${wanted}.`))) npm(['install', '--prefix', prefix, spec, '--no-audit', '--no-fund', '--no-save']);
    const version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
    const native = path.join(prefix, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
    if (fs.existsSync(native)) return { command: [native], version };
    const bin = path.join(prefix, 'node_modules', '.bin', 'ccusage');
    if (!fs.existsSync(bin)) return { problem: `npm installed ${spec} but it has no ccusage binary` };
    return { command: [bin], version };
  } catch (error) {
    return { problem: `cannot install ${spec}: ${(error as Error).message.split('\n')[0]}` };
  }
}

function runCcusage(label: string, command: string[], args: string[], dir: string): CcusageRun {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agentlane-ccusage-home-'));
  try {
    const env = { PATH: process.env.PATH ?? '', HOME: home, CLAUDE_CONFIG_DIR: dir, TZ: 'UTC', LOG_LEVEL: '0', NO_COLOR: '1' };
    const timed = fs.existsSync('/usr/bin/time');
    const argv = timed ? ['/usr/bin/time', '-f', 'BENCH_TIME %e %M', ...command, ...args] : [...command, ...args];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) return { label, problem: `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}` };
    const rss = /BENCH_TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '');
    const json = JSON.parse(r.stdout) as { totals?: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalCost: number } };
    if (!json.totals) return { label, seconds, problem: 'no `totals` in its JSON output' };
    const t = json.totals;
    return {
      label,
      seconds,
      ...(rss ? { maxRssMb: Number(rss[2]) / 1024 } : {}),
      tokens: { input: t.inputTokens, output: t.outputTokens, cacheCreation: t.cacheCreationTokens, cacheRead: t.cacheReadTokens },
      usd: t.totalCost,
    };
  } catch (error) {
    return { label, problem: (error as Error).message.split('\n')[0] };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function ccusageRuns(dir: string): { runs: CcusageRun[]; notes: string[] } {
  const notes: string[] = [];
  const runs: CcusageRun[] = [];
  let latest = 'latest';
  try {
    const published = npm(['view', 'ccusage', 'version']);
    // The wrapper package is useless without its per-platform native package; a registry
    // mirror may lag on the latter, so take the newest version that has both.
    const nativeName = `@ccusage/ccusage-${process.platform}-${process.arch}`;
    const native = npm(['view', nativeName, 'version']);
    latest = native || published;
    if (native && native !== published) notes.push(`ccusage@${published} is the latest wrapper but ${nativeName}@${published} is not on this registry; used ${native}`);
  } catch (error) {
    notes.push(`npm view failed: ${(error as Error).message.split('\n')[0]}`);
  }
  const targets: Array<[string, string, string[]]> = [
    [path.join(TMP, 'ccusage'), `ccusage@${latest}`, ['claude', 'daily', '--json', '--offline']],
    [path.join(TMP, 'ccusage18'), 'ccusage@18', ['daily', '--json', '--offline']],
  ];
  for (const [prefix, spec, args] of targets) {
    const installed = installCcusage(prefix, spec);
    if ('problem' in installed) {
      runs.push({ label: spec, problem: installed.problem });
      continue;
    }
    const label = `ccusage@${installed.version}${installed.command[0].includes('@ccusage') ? ' (native)' : ' (node)'}`;
    // Two runs: the first pays cold caches; report the faster, like our warm/cold pair.
    const first = runCcusage(label, installed.command, args, dir);
    const second = first.problem ? first : runCcusage(label, installed.command, args, dir);
    runs.push(second.seconds !== undefined && first.seconds !== undefined && first.seconds < second.seconds ? first : second);
  }
  return { runs, notes };
}

// ---------------------------------------------------------------- main

function corpus(mb: number, regen: boolean): CorpusTruth {
  const dir = path.join(TMP, `budget-corpus-${mb}mb`);
  const truthFile = path.join(dir, 'truth.json');
  if (!regen && fs.existsSync(truthFile)) return JSON.parse(fs.readFileSync(truthFile, 'utf8')) as CorpusTruth;
  fs.rmSync(dir, { recursive: true, force: true });
  return generateCorpus({ dir, mb });
}

export async function benchBudget(options: { mb?: number; regen?: boolean; ccusage?: boolean } = {}): Promise<BenchRow[]> {
  const mb = options.mb ?? 500;
  const truth = corpus(mb, options.regen ?? false);
  const sizeMb = truth.bytes / 1048576;
  const full = runChild(truth.dir, 1, true);
  const fifth = runChild(truth.dir, 0.2, false);
  const ok = sameTokens(full.tokens, truth.tokens) && full.responses === truth.responses;
  const rows: BenchRow[] = [
    { name: 'budget.scan.cold', value: round(full.coldMs), unit: 'ms', note: `${sizeMb.toFixed(0)} MB, ${full.files} files, first scan in a fresh process` },
    { name: 'budget.scan.cold.throughput', value: round(sizeMb / (full.coldMs / 1000)), unit: 'MB/s' },
    { name: 'budget.scan.warm', value: round(full.warmMs), unit: 'ms', note: `${round(sizeMb / (full.warmMs / 1000))} MB/s, second scan (JIT warm)` },
    { name: 'budget.scan.tokensEqualTruth', value: ok ? 1 : 0, unit: 'bool', note: `${full.responses} responses (truth ${truth.responses}), ${full.badLines} bad lines, $${full.usd.toFixed(2)} at list prices` },
    { name: 'budget.scan.peakRssDelta', value: round(full.peakRssDeltaMb), unit: 'MB', note: `whole corpus; ${round(fifth.peakRssDeltaMb)} MB for the first ${fifth.files} files (${(fifth.bytes / 1048576).toFixed(0)} MB)` },
    {
      name: 'budget.incremental.append1MB',
      value: round(full.appendMs ?? NaN, 2),
      unit: 'ms',
      note: `read ${full.appendBytesRead} of ${full.appendBytes} appended bytes, ${full.appendResponses}/${full.appendExpectedResponses} new responses`,
    },
  ];
  if (options.ccusage === false) return rows;
  const { runs, notes } = ccusageRuns(truth.dir);
  for (const run of runs) {
    if (run.problem || run.seconds === undefined || !run.tokens) {
      rows.push({ name: `${run.label}.scan`, value: NaN, unit: 's', note: `did not run: ${run.problem ?? 'unknown'}` });
      continue;
    }
    const t = run.tokens;
    const creation = truth.tokens.cacheWrite5m + truth.tokens.cacheWrite1h;
    const equal = t.input === truth.tokens.input && t.output === truth.tokens.output && t.cacheCreation === creation && t.cacheRead === truth.tokens.cacheRead;
    rows.push({ name: `${run.label}.scan`, value: round(run.seconds, 2), unit: 's', note: `wall, ${round(sizeMb / run.seconds)} MB/s${run.maxRssMb ? `, max RSS ${round(run.maxRssMb)} MB` : ''}` });
    rows.push({
      name: `${run.label}.tokensEqualTruth`,
      value: equal ? 1 : 0,
      unit: 'bool',
      note: `input ×${ratio(t.input, truth.tokens.input)}, output ×${ratio(t.output, truth.tokens.output)}, cache write ×${ratio(t.cacheCreation, creation)}, cache read ×${ratio(t.cacheRead, truth.tokens.cacheRead)} of truth; $${(run.usd ?? 0).toFixed(2)}`,
    });
  }
  for (const note of notes) rows.push({ name: 'ccusage.note', value: NaN, unit: '', note });
  return rows;
}

function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : (a / b).toFixed(3);
}

if (require.main === module) {
  const child = arg('child-scan');
  if (child) {
    childScan(child, Number(arg('fraction') ?? '1'), process.argv.includes('--append'));
  } else {
    benchBudget({ mb: Number(arg('mb') ?? '500'), regen: process.argv.includes('--regen'), ccusage: !process.argv.includes('--no-ccusage') })
      .then((rows) => {
        const w = Math.max(...rows.map((r) => r.name.length));
        for (const r of rows) console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(5)} ${r.note ?? ''}`);
      })
      .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      });
  }
}
