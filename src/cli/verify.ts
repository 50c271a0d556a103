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
import { verifyLedgerReader, verifyTraceSet, type FileVerdict, type TraceSetVerdict } from '../core/audit/verifyTraces';
import { parse, UsageError, type Io } from './args';
import { auditCommand, displayPath } from '../core/audit/cliSupport';

export const VERIFY_USAGE = 'verify <trace file | directory>… | --ledger URL | --bundle DIR  [--checkpoints FILE] [--strict] [--json]';

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
  let reader: LedgerReader;
  try {
    reader = openLedgerReader(url, { cwd: io.cwd });
  } catch (err) {
    if (LedgerError.is(err)) throw new UsageError(err.message);
    throw err;
  }
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
  const sources = [positionals.length > 0, values.ledger !== undefined, values.bundle !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError(`give trace files or directories, or --ledger URL, or --bundle DIR\nusage: agentlane ${VERIFY_USAGE}`);
  return auditCommand(io, async () => {
    if (values.ledger !== undefined && isReaderLedger(values.ledger, io.cwd)) {
      const res = await verifyReaderLedger(values.ledger, io, (values.checkpoints ?? []).map((c) => path.resolve(io.cwd, c)), values.strict === true);
      print(io, res, undefined, values.json === true);
      return res.ok ? 0 : 1;
    }
    const targets = values.ledger !== undefined ? [ledgerDirectory(values.ledger, io.cwd)]
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
    const res = await verifyTraceSet([...new Set(traces)], [...logs], { schema: values.strict ? 'all' : 'sample' });
    const manifestOk = manifest === undefined || ('problems' in manifest && manifest.problems.length === 0);
    const ok = res.ok && manifestOk;
    print(io, res, manifest, values.json === true);
    return ok ? 0 : 1;
  });
}

function print(io: Io, res: TraceSetVerdict, manifest: Awaited<ReturnType<typeof checkManifest>> | undefined, json: boolean): void {
  const manifestOk = manifest === undefined || ('problems' in manifest && manifest.problems.length === 0);
  if (json) {
    io.out(JSON.stringify({
      ok: res.ok && manifestOk, files: res.files.map((f) => ({ ...f, file: shown(io, f.file) })),
      checkpoint_logs: res.checkpointLogs.map((l) => shown(io, l)), checkpoints: res.checkpoints,
      ...(manifest ? { manifest } : {}),
    }));
  } else {
    for (const f of res.files) human(io, f).forEach((l) => io.out(l));
    if (manifest) io.out(manifestLine(manifest));
    const bad = res.files.filter((f) => !f.ok).length;
    io.out(`${res.files.length - bad} intact, ${bad} damaged; ${res.checkpoints} checkpoint(s) from ${res.checkpointLogs.length} checkpoints.log`);
  }
}

/** File paths print relative to the cwd; ledger labels (`postgresql://…#session`) as they are. */
function shown(io: Io, file: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(file) ? file : displayPath(io, file);
}

function human(io: Io, f: FileVerdict): string[] {
  const name = shown(io, f.file);
  if (f.ok) {
    return [`ok   ${name}: ${f.sessions} session${f.sessions === 1 ? '' : 's'}, ${f.events} events, head ${f.head} (seq ${f.lastSeq})`];
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
