/**
 * `agentlane ledger init|sync|status` — ships traces to the organisation's ledger.
 *
 *   ledger init   --ledger URL
 *   ledger sync   --trace-dir DIR --ledger URL [--once] [--state-dir DIR]
 *   ledger status --trace-dir DIR --ledger URL [--state-dir DIR] [--json]
 *
 * URL: dir:/path | /path | postgres://… | otlp+http://host:port/v1/logs | https://…/v1/logs.
 * Cursors live in `--state-dir` (default `<trace-dir>/.ledger-state`, inside the protected
 * trace store). Exit codes: 0 ok, 1 a sync failed (the reason is printed), 2 usage.
 */
import * as path from 'node:path';
import { LedgerError } from '../core/ledger/errors';
import { ledgerLag, traceFilesIn } from '../core/ledger/lag';
import { openSink } from '../core/ledger/openSink';
import type { LedgerSink } from '../core/ledger/sink';
import { LedgerSync, type LedgerSyncStatus } from '../core/ledger/sync';
import { LEDGER_ENV, readLedgerFile } from '../core/ledger/secrets';
import { parse, UsageError, type Io } from './args';
import { describeError } from '../core/common/errors';

export const LEDGER_USAGE = `  ledger init   --ledger URL | --ledger-file FILE
  ledger sync   --trace-dir DIR (--ledger URL | --ledger-file FILE) [--once] [--state-dir DIR]
  ledger status --trace-dir DIR (--ledger URL | --ledger-file FILE) [--state-dir DIR] [--json]
  (AGENTLANE_LEDGER=URL instead of either flag)`;

export interface LedgerCommandOptions {
  /** Ends a long-running `ledger sync` (the CLI entry wires SIGINT/SIGTERM to it when absent). */
  signal?: AbortSignal;
}

/** `agentlane ledger <init|sync|status> …`; `args` starts with the subcommand. */
export async function ledgerCommand(args: string[], io: Io, opts: LedgerCommandOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init':
      return ledgerInit(rest, io);
    case 'sync':
      return ledgerSync(rest, io, opts);
    case 'status':
      return ledgerStatus(rest, io);
    default:
      throw new UsageError(`unknown ledger command \`${sub ?? ''}\`\n${LEDGER_USAGE}`);
  }
}

/**
 * The ledger address: --ledger URL, --ledger-file FILE (keeps a password out of `ps`), or
 * AGENTLANE_LEDGER. Unlike `run`, a password in --ledger is accepted here: no agent runs beside
 * these commands, though a file is still the better place for it.
 */
async function ledgerUrl(values: { ledger?: string; 'ledger-file'?: string }, io: Io): Promise<string> {
  if (values.ledger !== undefined && values['ledger-file'] !== undefined) throw new UsageError(`give either --ledger or --ledger-file, not both\n${LEDGER_USAGE}`);
  if (values.ledger !== undefined) return required(values.ledger, '--ledger');
  if (values['ledger-file'] !== undefined) {
    try {
      return await readLedgerFile(path.resolve(io.cwd, values['ledger-file']));
    } catch (e) {
      if (LedgerError.is(e)) throw new UsageError(e.message);
      throw e;
    }
  }
  return required(process.env[LEDGER_ENV], `--ledger (or --ledger-file, or ${LEDGER_ENV})`);
}

const LEDGER_FLAGS = { ledger: { type: 'string' }, 'ledger-file': { type: 'string' } } as const;

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required\n${LEDGER_USAGE}`);
  return value;
}

function open(url: string, io: Io): LedgerSink {
  try {
    return openSink(url, { cwd: io.cwd });
  } catch (e) {
    if (LedgerError.is(e, 'bad-url')) throw new UsageError(e.message);
    throw e;
  }
}

async function withSink<T>(url: string, io: Io, work: (sink: LedgerSink) => Promise<T>): Promise<T> {
  const sink = open(url, io);
  try {
    return await work(sink);
  } finally {
    await sink.close();
  }
}

function reportError(io: Io, e: unknown): number {
  if (!LedgerError.is(e)) throw e;
  io.err(`agentlane: ${e.message} [${e.reason}${e.retryable ? ', will catch up on the next sync' : ''}]`);
  return 1;
}

/** `ledger init --ledger URL`: creates the ledger's storage (tables, folder); idempotent. */
export async function ledgerInit(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...LEDGER_FLAGS });
  const url = await ledgerUrl(values, io);
  return withSink(url, io, async (sink) => {
    if (!sink.init) {
      io.out(`${sink.display}: nothing to initialise (${sink.name} ledger)`);
      return 0;
    }
    try {
      await sink.init();
    } catch (e) {
      return reportError(io, e);
    }
    io.out(`${sink.display}: ledger ready`);
    return 0;
  });
}

interface DirArgs {
  traceDir: string;
  stateDir: string;
  url: string;
}

async function dirArgs(values: { 'trace-dir'?: string; 'state-dir'?: string; ledger?: string; 'ledger-file'?: string }, io: Io): Promise<DirArgs> {
  const traceDir = path.resolve(io.cwd, required(values['trace-dir'], '--trace-dir'));
  const stateDir = values['state-dir'] ? path.resolve(io.cwd, values['state-dir']) : path.join(traceDir, '.ledger-state');
  return { traceDir, stateDir, url: await ledgerUrl(values, io) };
}

/** `ledger sync`: --once ships every trace in the directory and exits; otherwise watches. */
export async function ledgerSync(args: string[], io: Io, opts: LedgerCommandOptions = {}): Promise<number> {
  const { values } = parse(args, { 'trace-dir': { type: 'string' }, 'state-dir': { type: 'string' }, ...LEDGER_FLAGS, once: { type: 'boolean' } });
  const a = await dirArgs(values, io);
  return withSink(a.url, io, async (sink) => {
    const sync = new LedgerSync({ sink, stateDir: a.stateDir });
    if (values.once) return syncAllOnce(sync, a.traceDir, io);
    return watch(sync, a.traceDir, io, opts.signal);
  });
}

async function syncAllOnce(sync: LedgerSync, traceDir: string, io: Io): Promise<number> {
  let failed = 0;
  let files: string[];
  try {
    files = await traceFilesIn(traceDir);
  } catch (e) {
    io.err(`agentlane: cannot list trace directory \`${traceDir}\`: ${describeError(e)}`);
    return 1;
  }
  for (const file of files) {
    try {
      const r = await sync.syncOnce(file);
      io.out(`${path.basename(file)}: ${r.sent} sent, acknowledged through seq ${r.ackedSeq}, lag ${r.lag}`);
    } catch (e) {
      failed++;
      reportError(io, e);
    }
  }
  io.out(`${files.length - failed} of ${files.length} trace(s) synced`);
  return failed > 0 ? 1 : 0;
}

async function watch(sync: LedgerSync, traceDir: string, io: Io, signal: AbortSignal | undefined): Promise<number> {
  const stop = signal ?? processSignal();
  let last = '';
  const sub = sync.onDidChangeStatus((s: LedgerSyncStatus) => {
    const line = `ledger ${s.state}, lag ${s.lag}${s.lastError && s.state !== 'idle' ? `: ${s.lastError.message}` : ''}`;
    if (line !== last) io.out((last = line));
  });
  sync.start(traceDir);
  io.out(`watching ${traceDir} → ${sync.status().sink} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await sync.stop();
  sub.dispose();
  return sync.status().state === 'failed' ? 1 : 0;
}

function processSignal(): AbortSignal {
  const ac = new AbortController();
  const abort = (): void => ac.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return ac.signal;
}

/** `ledger status`: per session the local last seq, what the ledger acknowledged, and the lag. */
export async function ledgerStatus(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { 'trace-dir': { type: 'string' }, 'state-dir': { type: 'string' }, ...LEDGER_FLAGS, json: { type: 'boolean' } });
  const a = await dirArgs(values, io);
  return withSink(a.url, io, async (sink) => {
    let rows;
    try {
      rows = await ledgerLag(a.traceDir, sink, a.stateDir);
    } catch (e) {
      io.err(`agentlane: cannot list trace directory \`${a.traceDir}\`: ${describeError(e)}`);
      return 1;
    }
    if (values.json) {
      io.out(JSON.stringify({ ledger: sink.display, sessions: rows }, null, 2));
      return 0;
    }
    io.out(`ledger ${sink.display}`);
    for (const r of rows) {
      const ledger = r.ledgerSeq !== undefined ? `, ledger head ${r.ledgerSeq}` : '';
      const err = r.error ? ` — ${r.error.message}` : '';
      io.out(`  ${r.sessionId ?? path.basename(r.file)}: local ${r.localSeq}, acknowledged ${r.ackedSeq}${ledger}, lag ${r.lag}${err}`);
    }
    io.out(`total lag ${rows.reduce((n, r) => n + r.lag, 0)} event(s) in ${rows.length} trace(s)`);
    return 0;
  });
}
