/** SUMMARY.md of an auditor bundle: plain Markdown a person reads first. Pure: data in, text out. */
import type { TraceEvent, TraceEventOf } from '../trace/schema';
import type { BundleCommit, BundlePolicy, BundleSession, SummaryInput } from './bundleTypes';
import { buildReport, sessionCost } from './report';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const short = (h: string): string => h.slice(0, 12);

function of<K extends TraceEvent['event']>(events: readonly TraceEvent[], kind: K): Array<TraceEventOf<K>> {
  return events.filter((e): e is TraceEventOf<K> => e.event === kind);
}

function table(head: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['_none_', ''];
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''];
}

function policyLine(p: BundlePolicy | undefined): string {
  if (!p || !p.found) return `**not found** (${p?.reason ?? 'not searched'})`;
  return `\`${p.bundlePath}\` (${p.from === 'git' ? `from git ${short(p.revision ?? '')}` : 'current file'})`;
}

function sessionSection(s: BundleSession, input: SummaryInput): string[] {
  const ev = s.events;
  const start = of(ev, 'session.start')[0];
  const end = of(ev, 'session.end')[0];
  const first = ev[0];
  const sup = first?.supervisor ? `${first.supervisor.name}${first.supervisor.email ? ` <${first.supervisor.email}>` : ''}` : '_none recorded_';
  const counts = buildReport([{ events: ev, intact: s.intact }], { by: 'session' }).total;
  const policies = new Map(input.policies.map((p) => [p.hash, p]));
  const verdicts = input.verification.filter((v) => s.traceFiles.includes(v.file));
  const bad = verdicts.find((v) => !v.ok);
  const cost = sessionCost(ev);
  const out = [
    `## Session \`${s.session_id}\``, '',
    `- mission: ${first?.mission_id ? `\`${first.mission_id}\`` : '_none_'}`,
    `- supervised by: ${sup}`,
    `- agent: ${start ? `${start.agent.name} ${start.agent.version}` : '_unknown_'}; model: ${start?.model_id ?? '_unknown_'}`,
    `- started: ${start?.ts ?? '_no header_'}${start ? ` on ${start.host} in \`${start.cwd}\`` : ''}`,
    `- ended: ${end ? `${end.ts} (${end.reason}${end.exit_code !== null ? `, exit ${end.exit_code}` : ''})` : '_no session.end in the trace_'}`,
    `- effective policy hash: ${start ? `\`${start.policy_hash}\`` : '_unknown_'}`,
    `- trace: ${s.traceFiles.map((f) => `\`${f}\``).join(', ')}; ${ev.length} events`,
    `- verification: ${s.intact ? '**intact**' : bad && !bad.ok ? `**DAMAGED** — ${bad.kind} at seq ${bad.seq ?? '?'} (line ${bad.line}): ${bad.message}` : '**not intact**'}`,
    `- cost: ${cost === null ? '_no budget events_' : `$${cost.toFixed(4)} (last cumulative figure)`}`,
    '',
    '### Policy and mission files in force', '',
    ...table(['layer', 'file', 'hash', 'in this bundle'], (start?.policy_files ?? []).map((f) => [f.layer, f.file, `\`${short(f.hash)}…\``, policyLine(policies.get(f.hash))])),
    '### Decisions', '',
    `${counts.tool_calls} tool calls: ${counts.allows} allowed, ${counts.denies} denied, ${counts.asks} asked a human; ${counts.egress_blocks} egress blocks.`, '',
    ...table(['denied by rule', 'count'], Object.entries(counts.denies_by_rule).sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => [`\`${r}\``, String(n)])),
    '### Approvals', '',
    ...table(['seq', 'approval', 'asked because', 'answer', 'by', 'reason'], of(ev, 'approval.requested').map((r) => {
      const a = of(ev, 'approval.answered').find((x) => x.approval_id === r.approval_id);
      return [String(r.seq), r.approval_id, r.reason, a?.answer ?? '_unanswered_', a?.by ?? '', a?.reason ?? ''];
    })),
    '### Freezes', '',
    ...table(['ts', 'event', 'by', 'reason'], [...of(ev, 'session.freeze'), ...of(ev, 'session.unfreeze')].sort((a, b) => a.seq - b.seq)
      .map((f) => [f.ts, f.event, f.by, f.reason ?? ''])),
    ...containmentSection(ev),
    '### Commits the agent reported (git hook: a claim, see the host observations above)', '',
    ...commitTable(input.commits.filter((c) => c.session_id === s.session_id)),
  ];
  return out;
}

/** The box and the host side of one session: evidence the agent could not write. */
function containmentSection(ev: readonly TraceEvent[]): string[] {
  const status = of(ev, 'sandbox.status')[0];
  const sandbox = !status ? '_no sandbox record (recorded before the sandbox, or the lane did not say)_'
    : status.state === 'on' ? `on (${status.backend})` : `**OFF** — ${status.reason || 'no reason given'}`;
  const violations = of(ev, 'sandbox.violation');
  const refused = of(ev, 'hook.refused');
  const observed = of(ev, 'commit.observed');
  const none = [violations.length ? '' : 'sandbox violations', refused.length ? '' : 'refused hook requests', observed.length ? '' : 'commits observed by the host'].filter(Boolean);
  return [
    '### Sandbox and host evidence', '',
    `- sandbox: ${sandbox}`,
    ...(none.length ? [`- none recorded: ${none.join(', ')}`] : []), '',
    ...(violations.length ? table(['seq', 'violation', 'target', 'detail'], violations.map((v) => [String(v.seq), v.kind, `\`${v.target}\``, v.detail])) : []),
    ...(refused.length ? table(['seq', 'refused hook request', 'status', 'bytes', 'reason'], refused.map((h) => [String(h.seq), `\`${h.route}\``, String(h.status), String(h.size), h.reason])) : []),
    ...(observed.length ? table(['seq', 'commit observed by the host', 'ref', 'acknowledged'], observed.map((c) => [
      String(c.seq), `\`${short(c.commit_sha)}\``, `\`${c.ref}\``, c.acknowledged ? `yes, by ${c.ack_by ?? '?'} (ack ${c.ack_id ?? '?'})` : '**NO**',
    ])) : []),
  ];
}

function commitTable(commits: BundleCommit[]): string[] {
  return table(['commit', 'tree', 'acknowledged by', 'linked', 'git'], commits.map((c) => [
    `\`${short(c.commit_sha)}\``, `\`${short(c.tree)}\``, c.ack ? `${c.ack.ack_by} (ack ${c.ack_id ?? '?'}, seq ${c.ack.seq})` : '**no ack**',
    c.linked ? 'yes' : 'no',
    c.git ? `${c.git.subject} — ${c.git.author} ${c.git.author_date}${c.tree_matches === false ? ' — **tree differs from the acked tree**' : ''}` : `_${c.git_error ?? 'no repository'}_`,
  ]));
}

export function renderSummary(input: SummaryInput): string {
  const intact = input.sessions.filter((s) => s.intact).length;
  const missing = input.policies.filter((p) => !p.found).length;
  const lines = [
    '# Agent Lane audit bundle', '',
    `Created ${input.created} for ${input.selection}: ${input.sessions.length} session(s), ${intact} with an intact chain; `
      + `${input.policies.length} policy/mission file(s) pinned, ${missing} not found; ${input.commits.length} commit(s) recorded.`, '',
    '## How to check and question this bundle', '',
    '```sh',
    '# every file against MANIFEST.json, then every hash chain against checkpoints.log',
    '# (compare the manifest sha256 it prints with the one printed at export)',
    'agentlane verify --bundle .',
    '# "how did the agent change file Y on day Z?" (UTC day)',
    'agentlane trace query --bundle . --path src/Y.ts --date 2026-06-01',
    '```', '',
    'Layout: `traces/` byte-exact session traces · `checkpoints.log` last head per session (and ledger pins) · '
      + '`policies/<sha256>.yaml` policy and mission texts by the hash sessions pinned (`policies.json` says where each came from) · '
      + '`commits.json` linked commits · `verification.json` verifier results · `MANIFEST.json` SHA-256 of every file.', '',
  ];
  for (const s of input.sessions) lines.push(...sessionSection(s, input));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
