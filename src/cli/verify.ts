/**
 * `agentlane verify <trace file | directory …> | --ledger URL | --bundle DIR` — checks every
 * chain (hashes, links, seq continuity, header) against the checkpoints the ledger pinned.
 * Exit 0 when everything is intact, 1 when anything is damaged, 2 on usage errors.
 */
import * as path from 'node:path';
import { AuditError } from '../core/audit/errors';
import { LedgerError } from '../core/ledger/errors';
import { parseLedgerUrl, type SinkAddress } from '../core/ledger/openSink';
import { openLedgerReader, type LedgerReader } from '../core/ledger/ledgerReader';
import { resolveTraceInputs } from '../core/audit/files';
import { checkManifest, type ManifestProblem } from '../core/audit/manifest';
import { verifyLedgerReader, verifyTraceSet, type FileVerdict, type PinSource, type TraceSetVerdict } from '../core/audit/verifyTraces';
import { ledgerHeads } from '../core/audit/ledgerHeads';
import { sessionIdsIn } from '../core/audit/files';
import { promises as fsp } from 'node:fs';
import { parse, UsageError, type Io } from './args';
import { auditCommand, displayPath } from '../core/audit/cliSupport';

export const VERIFY_USAGE = 'verify <trace file | directory>… [--ledger URL] | --ledger URL | --bundle DIR  [--checkpoints FILE] [--strict] [--json]';

/**
 * Ledger URLs read back as files: a directory ledger (`dir:PATH`, `file://PATH` or a plain
 * path), parsed by the ledger module so both commands agree on addresses. A PostgreSQL ledger
 * is read through a LedgerReader instead (see `isReaderLedger`); OTLP can never be read back.
 */
export function ledgerDirectory(url: string, cwd: string): string {
  let address: SinkAddress;
  try {
    address = parseLedgerUrl(url, cwd);
  } catch (err) {
    if (LedgerError.is(err)) throw new UsageError(err.message);
    throw err;
  }
  if (address.kind === 'directory') return address.target;
  throw new AuditError('unsupported-ledger', `cannot read a ${address.kind} ledger (${address.display}) back yet; verify a directory ledger (dir:PATH) or export the traces to a directory first`);
}

/** True for a ledger verified through a LedgerReader (PostgreSQL); bad addresses are usage errors. */
export function isReaderLedger(url: string, cwd: string): boolean {
  try {
    return parseLedgerUrl(url, cwd).kind === 'postgres';
  } catch (err) {
    if (LedgerError.is(err)) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * `verify --ledger postgres://…`: every session's rows, bytes exactly as stored, against the
 * stored checkpoints (and any --checkpoints FILE). Read failures exit 2 with the reason.
 */
async function verifyReaderLedger(url: string, io: Io, checkpointLogs: string[], strict: boolean): Promise<TraceSetVerdict> {
  const reader = openReaderOrUsage(url, io);
  try {
    const res = await verifyLedgerReader(reader, { schema: strict ? 'all' : 'sample', checkpointLogs });
    if (res.files.length === 0) throw new AuditError('no-traces', `ledger ${reader.display} holds no sessions: nothing to verify`);
    return res;
  } catch (err) {
    if (LedgerError.is(err)) throw new AuditError('unreadable', `${err.message} [${err.reason}]`);
    throw err;
  } finally {
    await reader.close();
  }
}

export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ledger: { type: 'string' }, bundle: { type: 'string' }, checkpoints: { type: 'string', multiple: true },
    strict: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  // Local files with --ledger: the files are held to the heads the ledger stores (a local trace cut short shows).
  const againstLedger = positionals.length > 0 && values.ledger !== undefined && values.bundle === undefined;
  const sources = [positionals.length > 0, values.ledger !== undefined && !againstLedger, values.bundle !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError(`give trace files or directories (optionally with --ledger URL), or --ledger URL, or --bundle DIR\nusage: agentlane ${VERIFY_USAGE}`);
  const strict = values.strict === true;
  return auditCommand(io, async () => {
    if (values.ledger !== undefined && !againstLedger && isReaderLedger(values.ledger, io.cwd)) {
      const res = await verifyReaderLedger(values.ledger, io, (values.checkpoints ?? []).map((c) => path.resolve(io.cwd, c)), strict);
      print(io, res, undefined, values.json === true, strict);
      return passes(res, strict) ? 0 : 1;
    }
    const targets = values.ledger !== undefined && !againstLedger ? [ledgerDirectory(values.ledger, io.cwd)]
      : values.bundle !== undefined ? [path.resolve(io.cwd, values.bundle)]
      : positionals.map((p) => path.resolve(io.cwd, p));
    const traces: string[] = [];
    const logs = new Set((values.checkpoints ?? []).map((c) => path.resolve(io.cwd, c)));
    for (const t of targets) {
      const found = await resolveTraceInputs(t);
      traces.push(...found.traces);
      found.checkpointLogs.forEach((l) => logs.add(l));
    }
    const manifest = values.bundle !== undefined ? await checkManifest(targets[0]!) : undefined;
    if (traces.length === 0) throw new AuditError('no-traces', `no *.trace.jsonl under ${targets.map((t) => `\`${t}\``).join(', ')}: nothing to verify`);
    const unique = [...new Set(traces)];
    const fromLedger = againstLedger ? await ledgerPins(values.ledger!, io, unique) : undefined;
    const res = await verifyTraceSet(unique, [...logs], {
      schema: strict ? 'all' : 'sample', pins: fromLedger ? [fromLedger.pins] : [],
      // Against a ledger, only the sessions of the given files are compared (the ledger holds others).
      ...(fromLedger ? { onlySessions: fromLedger.sessions } : {}),
    });
    const manifestOk = manifest === undefined || ('problems' in manifest && manifest.problems.length === 0);
    // A session the ledger never received has nothing pinning its end: --strict wants every session proven.
    const notInLedger = fromLedger?.missing ?? [];
    const ok = passes(res, strict) && manifestOk && (!strict || notInLedger.length === 0);
    print(io, res, manifest, values.json === true, strict, notInLedger);
    return ok ? 0 : 1;
  });
}

/** An intact chain passes; under --strict every session must also have ended (session.end). */
function passes(res: TraceSetVerdict, strict: boolean): boolean {
  return res.ok && (!strict || res.incomplete.length === 0);
}

/** The heads the ledger stores for the sessions of `traces` (read through a LedgerReader: directory or PostgreSQL). */
async function ledgerPins(url: string, io: Io, traces: readonly string[]): Promise<{ pins: PinSource; sessions: Set<string>; missing: string[] }> {
  const ids = new Set<string>();
  for (const t of traces) {
    try {
      sessionIdsIn(await fsp.readFile(t)).forEach((id) => ids.add(id));
    } catch (err) {
      throw new AuditError('unreadable', `cannot read \`${t}\` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  const reader = openReaderOrUsage(url, io);
  try {
    const stored = await reader.checkpoints();
    const heads = await ledgerHeads(reader, ids);
    const held = new Set(heads.map((h) => h.session_id));
    return { pins: { source: `${reader.display} (stored heads)`, checkpoints: [...heads, ...stored.filter((c) => held.has(c.session_id))] }, sessions: ids, missing: [...ids].filter((id) => !held.has(id)) };
  } catch (err) {
    if (LedgerError.is(err)) throw new AuditError('unreadable', `${err.message} [${err.reason}]`);
    throw err;
  } finally {
    await reader.close();
  }
}

function print(io: Io, res: TraceSetVerdict, manifest: Awaited<ReturnType<typeof checkManifest>> | undefined, json: boolean, strict: boolean, notInLedger: readonly string[] = []): void {
  const manifestOk = manifest === undefined || ('problems' in manifest && manifest.problems.length === 0);
  if (json) {
    io.out(JSON.stringify({
      ok: passes(res, strict) && manifestOk && (!strict || notInLedger.length === 0), files: res.files.map((f) => ({ ...f, file: shown(io, f.file) })),
      checkpoint_logs: res.checkpointLogs.map((l) => shown(io, l)), checkpoints: res.checkpoints, incomplete: res.incomplete,
      ...(notInLedger.length > 0 ? { not_in_ledger: notInLedger } : {}),
      ...(manifest ? { manifest } : {}),
    }));
  } else {
    for (const f of res.files) human(io, f, strict).forEach((l) => io.out(l));
    if (manifest) io.out(manifestLine(manifest));
    for (const id of notInLedger) io.out(`${strict ? 'BAD ' : 'note'} session \`${id}\` is not in the ledger: nothing pins its end (ship it with \`agentlane ledger sync\`)`);
    const bad = res.files.filter((f) => !f.ok).length;
    const incomplete = res.incomplete.length > 0 ? `, ${res.incomplete.length} incomplete session(s)${strict ? ' (fail under --strict)' : ''}` : '';
    io.out(`${res.files.length - bad} intact, ${bad} damaged${incomplete}; ${res.checkpoints} checkpoint(s) from ${res.checkpointLogs.length} checkpoints.log`);
  }
}

/** File paths print relative to the cwd; ledger labels (`postgresql://…#session`) as they are. */
function shown(io: Io, file: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(file) ? file : displayPath(io, file);
}

function human(io: Io, f: FileVerdict, strict: boolean): string[] {
  const name = shown(io, f.file);
  if (f.ok) {
    const line = `${f.unended.length > 0 && strict ? 'BAD ' : 'ok  '} ${name}: ${f.sessions} session${f.sessions === 1 ? '' : 's'}, ${f.events} events, head ${f.head} (seq ${f.lastSeq})`;
    // A missing end is a crash, a kill, a session still running — or a tail cut off; only a checkpoint tells.
    return [line, ...f.unended.map((id) => `     incomplete: no session.end in session \`${id}\` (still running, killed, or cut short; pin it with --ledger or --checkpoints)`)];
  }
  const where = f.seq === null ? `line ${f.line}` : `seq ${f.seq}${f.line > 0 ? ` (line ${f.line})` : ''}`;
  const head = `BAD  ${name}: ${f.kind} at ${where}: ${f.message}`;
  return f.lineText === null ? [head] : [head, `     line ${f.line}: ${f.lineText}`];
}

function manifestLine(m: Awaited<ReturnType<typeof checkManifest>>): string {
  if ('error' in m) return `BAD  MANIFEST.json: ${m.error}`;
  if (m.problems.length === 0) return `ok   MANIFEST.json: every file matches its SHA-256; manifest sha256 ${m.hash}`;
  const say = (p: ManifestProblem): string => `${p.path} ${p.problem === 'changed' ? 'does not match its hash' : p.problem === 'missing' ? 'is missing' : 'is not in the manifest'}`;
  return `BAD  MANIFEST.json (sha256 ${m.hash}): ${m.problems.map(say).join('; ')}`;
}

/** A ledger address that cannot be opened is a usage error (exit 2) with the ledger's reason. */
function openReaderOrUsage(url: string, io: Io): LedgerReader {
  try {
    return openLedgerReader(url, { cwd: io.cwd });
  } catch (err) {
    if (LedgerError.is(err)) throw new UsageError(err.message);
    throw err;
  }
}
