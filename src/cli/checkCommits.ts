/**
 * `agentlane check-commits <rev-range> --ledger DIR|postgres://… [--repo DIR] [--policy FILE] [--json]`:
 * the CI gate. Every commit in the range either links to an acknowledged, verifying trace in
 * the organisation's ledger, or changes no protected path (rules: core/git/checkCommits.ts).
 * Exit 0 when all pass, 1 when any fails, 2 for usage errors or when git cannot answer.
 *
 * The ledger must be the organisation's copy (the directory the sync engine writes), not
 * something the pull request can bring along: a hash chain proves integrity against its pins,
 * not who wrote it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, UsageError, type Io } from './args';
import { checkCommits, type CommitVerdict } from '../core/git/checkCommits';
import { directoryTraceStore, readerTraceStore, type TraceStore } from '../core/git/traceStore';
import { LedgerError } from '../core/ledger/errors';
import { openLedgerReader, type LedgerReader } from '../core/ledger/ledgerReader';
import { PolicyAtCommitError, protectFromText, type ProtectSource } from '../core/git/protectedPaths';
import { GitError } from '../core/git/errors';
import { AuditError } from '../core/audit/errors';
import { commitEvidenceFromDirectory, commitEvidenceFromReader } from '../core/audit/commitEvidence';

export async function checkCommitsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ledger: { type: 'string' }, repo: { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (positionals.length !== 1) throw new UsageError('check-commits needs one revision range, e.g. `agentlane check-commits origin/main..HEAD --ledger DIR`');
  if (!values.ledger) throw new UsageError('check-commits needs --ledger DIR (the ledger directory or a trace directory)');
  const repo = path.resolve(io.cwd, values.repo ?? '.');
  const pinned: ProtectSource[] = [];
  if (values.policy) {
    const file = path.resolve(io.cwd, values.policy);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --policy ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      pinned.push(protectFromText(text, file));
    } catch (err) {
      if (err instanceof PolicyAtCommitError) throw new UsageError(err.message);
      throw err;
    }
  }

  // A PostgreSQL ledger is read back through a LedgerReader (one read-only snapshot for the
  // whole range); a directory keeps the file store, which also reads plain trace directories.
  let reader: LedgerReader | undefined;
  if (/^postgres(ql)?:\/\//i.test(values.ledger)) {
    try {
      reader = openLedgerReader(values.ledger, { cwd: io.cwd });
    } catch (err) {
      if (LedgerError.is(err)) throw new UsageError(err.message);
      throw err;
    }
  }
  const store: TraceStore = reader ? readerTraceStore(reader) : directoryTraceStore(path.resolve(io.cwd, values.ledger));
  let verdicts: CommitVerdict[];
  try {
    // Host-side observations of the whole ledger: a commit it saw unacknowledged fails, trailers or not.
    const hostEvidence = reader ? await commitEvidenceFromReader(reader) : await commitEvidenceFromDirectory(path.resolve(io.cwd, values.ledger));
    verdicts = await checkCommits({ repo, range: positionals[0]!, store, pinnedPolicies: pinned, hostEvidence });
  } catch (err) {
    if (GitError.is(err)) {
      io.err(`agentlane: check-commits: ${err.message}`);
      return 2;
    }
    if (LedgerError.is(err)) {
      io.err(`agentlane: check-commits: ${err.message} [${err.reason}]`);
      return 2;
    }
    if (AuditError.is(err)) {
      io.err(`agentlane: check-commits: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await reader?.close();
  }
  const failed = verdicts.filter((v) => v.status === 'fail').length;
  if (values.json) {
    io.out(JSON.stringify({ ok: failed === 0, commits: verdicts }, null, 2));
  } else {
    for (const line of formatTable(verdicts)) io.out(line);
    io.out(verdicts.length === 0
      ? 'no commits in the range'
      : `${verdicts.length} commit(s): ${verdicts.length - failed} ok, ${failed} failed`);
  }
  return failed > 0 ? 1 : 0;
}

const SUBJECT_WIDTH = 48;

export function formatTable(verdicts: readonly CommitVerdict[]): string[] {
  const rows = verdicts.map((v) => [v.sha.slice(0, 12), truncate(v.subject, SUBJECT_WIDTH), v.status === 'ok' ? 'ok' : 'FAIL', v.reason]);
  const header = ['commit', 'subject', 'status', 'reason'];
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => [...r.slice(0, 3).map((c, i) => c.padEnd(widths[i]!)), r[3]].join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
