/**
 * Reading the session traces the extension writes (one `<session>.trace.jsonl` per session in
 * its global storage), loosely: the demo only looks at a few fields to follow the story. The
 * verifier (`agentlane verify`) is what checks them for real.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TraceLine {
  readonly seq: number;
  readonly event: string;
  readonly tool?: string;
  readonly decision?: string;
  readonly paths: readonly string[];
  readonly cmd?: string;
  readonly costUsd?: number;
  readonly answer?: string;
  readonly by?: string;
  readonly commitSha?: string;
  readonly reason?: string;
  /** `sandbox.status`: on | off. */
  readonly state?: string;
  readonly acknowledged?: boolean;
}

/** Where the extension keeps traces in a code-server profile (its global storage). */
export function traceDirOf(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'globalStorage', 'agentlane.agent-lane', 'traces');
}

function findTraceFiles(dir: string, depth = 6): string[] {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTraceFiles(p, depth - 1));
    else if (entry.name.endsWith('.trace.jsonl')) out.push(p);
  }
  return out;
}

/** The newest trace under `root` (searched, in case the storage layout differs), if any. */
export function newestTrace(root: string): string | undefined {
  const files = findTraceFiles(root).map((f) => ({ f, t: fs.statSync(f).mtimeMs }));
  files.sort((a, b) => b.t - a.t);
  return files[0]?.f;
}

const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

export function readTrace(file: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue; // a line being written right now
    }
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    out.push({
      seq: typeof o.seq === 'number' ? o.seq : -1,
      event: str(o, 'event') ?? '?',
      tool: str(o, 'tool'),
      decision: str(o, 'decision'),
      paths: Array.isArray(o.paths) ? o.paths.filter((p): p is string => typeof p === 'string') : [],
      cmd: str(o, 'cmd_redacted'),
      costUsd: typeof o.cost_usd === 'number' ? o.cost_usd : undefined,
      answer: str(o, 'answer'),
      by: str(o, 'by') ?? str(o, 'ack_by'),
      commitSha: str(o, 'commit_sha'),
      reason: str(o, 'reason'),
      state: str(o, 'state'),
      acknowledged: typeof o.acknowledged === 'boolean' ? o.acknowledged : undefined,
    });
  }
  return out;
}

/** One line per event, for the demo's console. */
export function describe(e: TraceLine): string {
  const what = e.tool ? `${e.tool} ${e.cmd ?? e.paths.map((p) => path.basename(p)).join(', ')}`.trim() : '';
  switch (e.event) {
    case 'tool.decision': return `${e.decision?.toUpperCase() ?? '?'} ${what}`;
    case 'approval.answered': return `approval answered: ${e.answer ?? '?'} by ${e.by ?? '?'}`;
    case 'budget.usage': return `budget: $${(e.costUsd ?? 0).toFixed(4)} spent`;
    case 'commit.ack': return `commit acknowledged by ${e.by ?? '?'}`;
    case 'commit.recorded': return `commit recorded ${e.commitSha?.slice(0, 10) ?? ''}`;
    default: return e.reason ? `${e.event}: ${e.reason}` : e.event;
  }
}
