/**
 * `agentlane verify <trace file | directory …> | --ledger URL | --bundle DIR` — checks every
 * chain (hashes, links, seq continuity, header) against the checkpoints the ledger pinned.
 * Exit 0 when everything is intact, 1 when anything is damaged, 2 on usage errors.
 */
import * as path from 'node:path';
import { AuditError } from '../core/audit/errors';
import { LedgerError } from '../core/ledger/errors';
import { parseLedgerUrl, type SinkAddress } from '../core/ledger/openSink';
import { resolveTraceInputs } from '../core/audit/files';
import { checkManifest, type ManifestProblem } from '../core/audit/manifest';
import { verifyTraceSet, type FileVerdict } from '../core/audit/verifyTraces';
import { parse, UsageError, type Io } from './args';
import { auditCommand, displayPath } from '../core/audit/cliSupport';

export const VERIFY_USAGE = 'verify <trace file | directory>… | --ledger URL | --bundle DIR  [--checkpoints FILE] [--strict] [--json]';

/**
 * Ledger URLs this build reads back: a directory ledger (`dir:PATH`, `file://PATH` or a plain
 * path), parsed by the ledger module so both commands agree on addresses. PostgreSQL and OTLP
 * ledgers cannot be verified from here: the ledger sinks offer no reader (OTLP never can).
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

export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ledger: { type: 'string' }, bundle: { type: 'string' }, checkpoints: { type: 'string', multiple: true },
    strict: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  const sources = [positionals.length > 0, values.ledger !== undefined, values.bundle !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError(`give trace files or directories, or --ledger URL, or --bundle DIR\nusage: agentlane ${VERIFY_USAGE}`);
  return auditCommand(io, async () => {
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
    if (values.json) {
      io.out(JSON.stringify({
        ok, files: res.files.map((f) => ({ ...f, file: displayPath(io, f.file) })),
        checkpoint_logs: res.checkpointLogs.map((l) => displayPath(io, l)), checkpoints: res.checkpoints,
        ...(manifest ? { manifest } : {}),
      }));
    } else {
      for (const f of res.files) human(io, f).forEach((l) => io.out(l));
      if (manifest) io.out(manifestLine(manifest));
      const bad = res.files.filter((f) => !f.ok).length;
      io.out(`${res.files.length - bad} intact, ${bad} damaged; ${res.checkpoints} checkpoint(s) from ${res.checkpointLogs.length} checkpoints.log`);
    }
    return ok ? 0 : 1;
  });
}

function human(io: Io, f: FileVerdict): string[] {
  const name = displayPath(io, f.file);
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
