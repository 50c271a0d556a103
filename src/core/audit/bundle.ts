/**
 * `agentlane export`: writes an auditor bundle for the sessions a selection matches — traces
 * byte-exact, checkpoints, policy and mission texts by the hash sessions pinned, linked commits,
 * SUMMARY.md and MANIFEST.json. Files are staged in memory and written once everything is known,
 * so the manifest lists exactly what is on disk.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TraceCheckpoint } from '../trace/canonical';
import type { TraceEvent } from '../trace/schema';
import type { BundleCommit, BundlePolicy, BundleSession } from './bundleTypes';
import { AuditError } from './errors';
import { readCheckpointLog, scanDirectory } from './files';
import { commitInfo } from './git';
import { encodeManifest, MANIFEST_FILE, manifestEntry, type ManifestEntry } from './manifest';
import { recoverPolicy } from './policyRecovery';
import { groupSessions, readTraceFile } from './readEvents';
import { isAcked } from './report';
import { renderSummary } from './summary';
import { verifyTraceSet, type FileVerdict } from './verifyTraces';

export interface Selection {
  sessions?: readonly string[];
  missions?: readonly string[];
  /** ms: sessions with any event at or after it. */
  since?: number;
}

export interface ExportOptions {
  traceDir: string;
  outDir: string;
  /** Where to look up commits and policy history; default: each session's recorded cwd. */
  repo?: string;
  selection: Selection;
  /** Human description of the selection for SUMMARY.md. */
  selectionText: string;
  now?: () => Date;
}

export interface ExportResult {
  outDir: string;
  sessions: BundleSession[];
  policies: BundlePolicy[];
  commits: BundleCommit[];
  verification: FileVerdict[];
  manifest: ManifestEntry[];
  manifestHash: string;
}

function matches(events: readonly TraceEvent[], sel: Selection): boolean {
  const first = events[0];
  if (!first) return false;
  if (sel.sessions?.length && !sel.sessions.includes(first.session_id)) return false;
  if (sel.missions?.length && !events.some((e) => e.mission_id !== null && sel.missions!.includes(e.mission_id))) return false;
  if (sel.since !== undefined && !events.some((e) => Date.parse(e.ts) >= sel.since!)) return false;
  return true;
}

const posix = (rel: string): string => rel.split(path.sep).join('/');

async function assertEmptyOut(outDir: string): Promise<void> {
  const entries = await fsp.readdir(outDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new AuditError('unreadable', `cannot use \`${outDir}\` as the output directory (${err.code ?? err.message})`);
  });
  if (entries.length > 0) throw new AuditError('out-not-empty', `\`${outDir}\` is not empty: a bundle goes into a new or empty directory`);
}

export async function exportBundle(opts: ExportOptions): Promise<ExportResult> {
  await assertEmptyOut(opts.outDir);
  const scan = await scanDirectory(opts.traceDir);
  if (scan.traces.length === 0) throw new AuditError('no-traces', `no *.trace.jsonl under \`${opts.traceDir}\``);
  const read = await Promise.all(scan.traces.map(readTraceFile));
  const all = groupSessions(read.map((r) => r.parsed));
  const chosen = all.filter((s) => matches(s.events, opts.selection));
  if (chosen.length === 0) throw new AuditError('no-match', `no session under \`${opts.traceDir}\` matches ${opts.selectionText}`);
  const chosenIds = new Set(chosen.map((s) => s.sessionId));

  const staged = new Map<string, Buffer>();
  // Traces byte-exact: whole files (a file may also hold other sessions; the chain needs every line).
  const bundled = read.filter((r) => r.parsed.events.some((e) => chosenIds.has(e.session_id)));
  const bundlePathOf = new Map<string, string>();
  for (const r of bundled) {
    const rel = `traces/${posix(path.relative(opts.traceDir, r.parsed.file))}`;
    bundlePathOf.set(r.parsed.file, rel);
    staged.set(rel, r.buf);
  }
  const verdict = await verifyTraceSet(bundled.map((r) => r.parsed.file), scan.checkpointLogs, { onlySessions: chosenIds });
  const verification = verdict.files.map((f) => ({ ...f, file: bundlePathOf.get(f.file) ?? posix(path.relative(opts.traceDir, f.file)) }));
  const sessions: BundleSession[] = chosen.map((s) => ({
    session_id: s.sessionId, events: s.events, intact: verdict.sessionIntact.get(s.sessionId) === true,
    traceFiles: s.files.map((f) => bundlePathOf.get(f)!),
  }));

  staged.set('checkpoints.log', Buffer.from(await checkpointsFor(sessions, scan.checkpointLogs, chosenIds)));
  const policies = await collectPolicies(sessions, opts.repo);
  for (const p of policies.list) if (p.bundlePath) staged.set(p.bundlePath, policies.content.get(p.hash)!);
  staged.set('policies.json', json(policies.list));
  const commits = await collectCommits(sessions, opts.repo);
  staged.set('commits.json', json(commits));
  staged.set('verification.json', json(verification));
  const created = (opts.now ?? (() => new Date()))().toISOString();
  staged.set('SUMMARY.md', Buffer.from(renderSummary({ created, selection: opts.selectionText, sessions, policies: policies.list, commits, verification })));

  const manifest = [...staged].map(([rel, buf]) => manifestEntry(rel, buf));
  const encoded = encodeManifest(created, manifest);
  await fsp.mkdir(opts.outDir, { recursive: true });
  for (const [rel, buf] of staged) {
    const full = path.join(opts.outDir, ...rel.split('/'));
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await fsp.writeFile(full, buf, { flag: 'wx' });
  }
  await fsp.writeFile(path.join(opts.outDir, MANIFEST_FILE), encoded.text, { flag: 'wx' });
  return { outDir: opts.outDir, sessions, policies: policies.list, commits, verification, manifest, manifestHash: encoded.hash };
}

const json = (v: unknown): Buffer => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);

/** Ledger pins of the chosen sessions plus each intact session's final head, one JSONL line each. */
async function checkpointsFor(sessions: BundleSession[], logs: readonly string[], ids: ReadonlySet<string>): Promise<string> {
  const byKey = new Map<string, TraceCheckpoint>();
  const add = (cp: TraceCheckpoint): void => { byKey.set(`${cp.session_id}\0${cp.seq}`, cp); };
  for (const log of logs) for (const cp of (await readCheckpointLog(log)).checkpoints) if (ids.has(cp.session_id)) add(cp);
  for (const s of sessions) {
    const last = s.events[s.events.length - 1];
    if (s.intact && last) add({ session_id: s.session_id, seq: last.seq, head: last.hash });
  }
  return [...byKey.values()]
    .sort((a, b) => (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : a.seq - b.seq))
    .map((cp) => `${JSON.stringify({ session_id: cp.session_id, seq: cp.seq, head: cp.head })}\n`).join('');
}

async function collectPolicies(sessions: BundleSession[], repo: string | undefined): Promise<{ list: BundlePolicy[]; content: Map<string, Buffer> }> {
  const byHash = new Map<string, BundlePolicy>();
  const content = new Map<string, Buffer>();
  for (const s of sessions) {
    const start = s.events.find((e) => e.event === 'session.start');
    if (!start || start.event !== 'session.start') continue;
    for (const ref of start.policy_files) {
      let p = byHash.get(ref.hash);
      if (!p) {
        const src = await recoverPolicy(ref, { repo: repo ?? null, cwd: start.cwd });
        p = {
          hash: ref.hash, refs: [], sessions: [], found: src.found,
          from: src.found ? src.from : null, revision: src.found && src.from === 'git' ? src.revision : null,
          reason: src.found ? null : src.reason, bundlePath: src.found ? `policies/${ref.hash}.yaml` : null,
        };
        if (src.found) content.set(ref.hash, src.content);
        byHash.set(ref.hash, p);
      }
      if (!p.refs.some((r) => r.layer === ref.layer && r.file === ref.file)) p.refs.push({ layer: ref.layer, file: ref.file });
      if (!p.sessions.includes(s.session_id)) p.sessions.push(s.session_id);
    }
  }
  return { list: [...byHash.values()], content };
}

async function collectCommits(sessions: BundleSession[], repo: string | undefined): Promise<BundleCommit[]> {
  const out: BundleCommit[] = [];
  for (const s of sessions) {
    const start = s.events.find((e) => e.event === 'session.start');
    const where = repo ?? (start && start.event === 'session.start' ? start.cwd : undefined);
    for (const e of s.events) {
      if (e.event !== 'commit.recorded') continue;
      const ack = s.events.find((a) => a.event === 'commit.ack' && a.seq < e.seq && a.tree === e.tree && (e.ack_id === null || a.ack_id === e.ack_id));
      const info = where ? await commitInfo(where, e.commit_sha) : { ok: false as const, reason: 'no repository: pass --repo' };
      out.push({
        session_id: s.session_id, seq: e.seq, ts: e.ts, commit_sha: e.commit_sha, tree: e.tree, ack_id: e.ack_id,
        ack: ack && ack.event === 'commit.ack' ? { seq: ack.seq, ts: ack.ts, ack_by: ack.ack_by, diff_hash: ack.diff_hash } : null,
        linked: s.intact && isAcked(e, s.events),
        git: info.ok ? info.info : null,
        git_error: info.ok ? null : info.reason,
        tree_matches: info.ok ? info.info.tree === e.tree : null,
      });
    }
  }
  return out;
}
