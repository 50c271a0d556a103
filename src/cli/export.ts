/**
 * `agentlane export` — the auditor bundle — and `agentlane trace query`, which answers "how did
 * the agent change file Y on day Z" in one command, from a bundle or a trace directory.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { exportBundle, type Selection } from '../core/audit/bundle';
import { auditCommand, displayPath } from '../core/audit/cliSupport';
import { dayRange, sinceBound } from '../core/audit/dates';
import { AuditError } from '../core/audit/errors';
import { scanDirectory } from '../core/audit/files';
import { commitInfo } from '../core/audit/git';
import { queryPath, type PathHit } from '../core/audit/query';
import { groupSessions, readTraceFile, type SessionEvents } from '../core/audit/readEvents';
import { parse, UsageError, type Io } from './args';
import { defaultTraceDir } from './paths';

export const EXPORT_USAGE = 'export (--session ID | --mission ID | --since DATE)… --out OUTDIR [--trace-dir DIR] [--repo DIR] [--json]';
export const TRACE_QUERY_USAGE = 'trace query (--bundle DIR | --trace-dir DIR) --path FILE [--date YYYY-MM-DD] [--repo DIR] [--json]';

export async function exportCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    session: { type: 'string', multiple: true }, mission: { type: 'string', multiple: true }, since: { type: 'string' },
    'trace-dir': { type: 'string' }, out: { type: 'string' }, repo: { type: 'string' }, json: { type: 'boolean' },
  });
  if (!values.session?.length && !values.mission?.length && values.since === undefined) {
    throw new UsageError(`choose sessions with --session, --mission or --since\nusage: agentlane ${EXPORT_USAGE}`);
  }
  if (values.out === undefined) throw new UsageError(`--out OUTDIR is required\nusage: agentlane ${EXPORT_USAGE}`);
  return auditCommand(io, async () => {
    const selection: Selection = { sessions: values.session, missions: values.mission, since: values.since === undefined ? undefined : sinceBound(values.since) };
    const selectionText = [
      ...(values.session ?? []).map((s) => `--session ${s}`), ...(values.mission ?? []).map((m) => `--mission ${m}`),
      ...(values.since !== undefined ? [`--since ${values.since}`] : []),
    ].join(' ');
    const res = await exportBundle({
      traceDir: path.resolve(io.cwd, values['trace-dir'] ?? defaultTraceDir()),
      outDir: path.resolve(io.cwd, values.out!),
      repo: values.repo === undefined ? undefined : path.resolve(io.cwd, values.repo),
      selection, selectionText,
    });
    const damaged = res.verification.filter((v) => !v.ok);
    if (values.json) {
      io.out(JSON.stringify({
        out: res.outDir, sessions: res.sessions.map((s) => ({ session_id: s.session_id, intact: s.intact })),
        policies: res.policies.map(({ hash, found, from, revision, reason, bundlePath }) => ({ hash, found, from, revision, reason, path: bundlePath })),
        commits: res.commits.length, damaged: damaged.length, manifest_sha256: res.manifestHash, files: res.manifest,
      }));
    } else {
      const found = res.policies.filter((p) => p.found).length;
      io.out(`wrote ${displayPath(io, res.outDir)}: ${res.sessions.length} session(s), ${res.manifest.length} files, `
        + `${found}/${res.policies.length} policy/mission file(s) found by hash, ${res.commits.length} commit(s)`);
      for (const v of damaged) if (!v.ok) io.out(`  DAMAGED ${v.file}: ${v.kind} at seq ${v.seq ?? '?'} (line ${v.line}): ${v.message}`);
      for (const p of res.policies) if (!p.found) io.out(`  not found: policy ${p.hash} (${p.refs.map((r) => `${r.layer} ${r.file}`).join(', ')}): ${p.reason}`);
      io.out(`MANIFEST.json sha256 ${res.manifestHash}`);
      io.out(`ask it: agentlane trace query --bundle ${displayPath(io, res.outDir)} --path FILE [--date YYYY-MM-DD]`);
    }
    // The bundle is written either way; a damaged trace is a finding the caller must not miss.
    return damaged.length > 0 ? 1 : 0;
  });
}

/** commits.json of a bundle, as much of it as the query needs. */
const BundleCommitsSchema = z.array(z.object({ commit_sha: z.string(), git: z.object({ files: z.array(z.string()) }).nullable() }));

async function bundleCommitFiles(dir: string): Promise<Map<string, string[]>> {
  const text = await fsp.readFile(path.join(dir, 'commits.json'), 'utf8').catch(() => undefined);
  const files = new Map<string, string[]>();
  if (text === undefined) return files;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuditError('unreadable', `\`${path.join(dir, 'commits.json')}\` is not JSON`);
  }
  const parsed = BundleCommitsSchema.safeParse(value);
  if (!parsed.success) throw new AuditError('unreadable', `\`${path.join(dir, 'commits.json')}\` is not a bundle's commit list`);
  for (const c of parsed.data) if (c.git) files.set(c.commit_sha, c.git.files);
  return files;
}

/** Without a bundle, ask git (--repo, else each session's cwd) which files each recorded commit changed. */
async function gitCommitFiles(sessions: SessionEvents[], repo: string | undefined): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  for (const s of sessions) {
    const start = s.events.find((e) => e.event === 'session.start');
    const where = repo ?? (start?.event === 'session.start' ? start.cwd : undefined);
    if (!where) continue;
    for (const e of s.events) {
      if (e.event !== 'commit.recorded' || files.has(e.commit_sha)) continue;
      const info = await commitInfo(where, e.commit_sha);
      if (info.ok) files.set(e.commit_sha, info.info.files);
    }
  }
  return files;
}

export async function traceQueryCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    bundle: { type: 'string' }, 'trace-dir': { type: 'string' }, path: { type: 'string' }, date: { type: 'string' },
    repo: { type: 'string' }, json: { type: 'boolean' },
  });
  if ((values.bundle === undefined) === (values['trace-dir'] === undefined)) throw new UsageError(`give one of --bundle DIR or --trace-dir DIR\nusage: agentlane ${TRACE_QUERY_USAGE}`);
  if (!values.path) throw new UsageError(`--path FILE is required\nusage: agentlane ${TRACE_QUERY_USAGE}`);
  return auditCommand(io, async () => {
    const dir = path.resolve(io.cwd, values.bundle ?? values['trace-dir']!);
    const range = values.date === undefined ? undefined : dayRange(values.date);
    const { traces } = await scanDirectory(dir);
    if (traces.length === 0) throw new AuditError('no-traces', `no *.trace.jsonl under \`${dir}\``);
    const sessions = groupSessions((await Promise.all(traces.map(readTraceFile))).map((r) => r.parsed));
    const files = values.bundle !== undefined ? await bundleCommitFiles(dir)
      : await gitCommitFiles(sessions, values.repo === undefined ? undefined : path.resolve(io.cwd, values.repo));
    const hits = queryPath(sessions.map((s) => s.events), { path: values.path!, range }, (sha) => files.get(sha));
    if (values.json) {
      io.out(JSON.stringify({ path: values.path, date: values.date ?? null, hits }));
      return 0;
    }
    const when = values.date === undefined ? '' : ` on ${values.date} (UTC)`;
    if (hits.length === 0) io.out(`no recorded tool call touched \`${values.path}\`${when}`);
    else io.out(`${hits.length} recorded tool call(s) touched \`${values.path}\`${when}:`);
    for (const h of hits) io.out(describeHit(h));
    return 0;
  });
}

function describeHit(h: PathHit): string {
  const lines = [
    `${h.ts}  session ${h.session_id} seq ${h.seq}${h.mission_id ? ` mission ${h.mission_id}` : ''}  ${h.tool} (${h.action})  ${h.decision.toUpperCase()}  rule ${h.rule ?? '-'}`,
  ];
  if (h.command) lines.push(`    command: ${h.command}`);
  if (h.approval) {
    lines.push(`    approval ${h.approval.approval_id}: ${h.approval.answer ?? 'unanswered'}${h.approval.by ? ` by ${h.approval.by}` : ''}${h.approval.reason ? ` (${h.approval.reason})` : ''}`);
  }
  if (h.result) lines.push(`    result: ${h.result.ok ? 'ok' : 'failed'}${h.result.exit_code === null ? '' : ` (exit ${h.result.exit_code})`}`);
  if (h.commit) {
    lines.push(`    commit ${h.commit.sha}${h.commit.ack_by ? ` acked by ${h.commit.ack_by}` : ' (no ack)'}${h.commit.confirmed ? '' : ' — next commit of the session; git did not confirm it changed this path'}`);
  }
  return lines.join('\n');
}
