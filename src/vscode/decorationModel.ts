/**
 * What the Explorer shows for one path, as plain data (tested under plain Node; decorations.ts
 * turns it into a vscode.FileDecoration). A path's own class comes first (denied, protected,
 * outside the write scope); a folder that is none of these but holds denied or protected paths
 * says so with a dot in that colour, the convention VS Code uses for "contains changes".
 */
import * as path from 'node:path';
import type { PathClassifier, PathVerdict } from '../core/policy/pathClassifier';
import type { DecisionRecord } from '../core/session/types';

/** Theme colours contributed in package.json `contributes.colors`. */
export const DECORATION_COLORS = {
  denied: 'agentLane.deniedForeground',
  protected: 'agentLane.protectedForeground',
  outsideScope: 'agentLane.outsideScopeForeground',
  changed: 'agentLane.agentChangedForeground',
} as const;

export interface DecorationSpec {
  badge: string;
  tooltip: string;
  color: (typeof DECORATION_COLORS)[keyof typeof DECORATION_COLORS];
}

const OWN = {
  denied: { badge: '⊘', label: 'Denied to the agent' },
  protected: { badge: '◆', label: 'Protected: agent writes need approval' },
  outsideScope: { badge: '○', label: "Outside the mission's write scope" },
} as const;

const CONTAINS = {
  denied: 'Contains paths denied to the agent',
  protected: 'Contains protected paths: agent writes there need approval',
} as const;

const CHANGED = { badge: 'A', label: 'Changed by the agent in this session' };

function ruleText(v: PathVerdict): string {
  const where = v.rule.line ? `${path.basename(v.rule.file)}:${v.rule.line}` : v.rule.file;
  return `${v.rule.layer} ${v.rule.key} \`${v.pattern}\` (${where})`;
}

/**
 * `rel`: workspace-relative, `/`-separated. `changedWhen`: set when the agent changed the file this
 * session. Order: the path's own deny/protect, then what a folder holds (more telling than its
 * being outside the write scope), then outside the scope, then the agent's change.
 */
export function decorationFor(rel: string, classifier: PathClassifier | undefined, changedWhen?: string): DecorationSpec | undefined {
  const own = classifier?.classify(rel);
  const changedLine = changedWhen ? [`${CHANGED.label} (${changedWhen})`] : [];
  const ownSpec = (v: PathVerdict): DecorationSpec =>
    ({ badge: OWN[v.kind].badge, tooltip: [`${OWN[v.kind].label} — ${ruleText(v)}`, ...changedLine].join('\n'), color: DECORATION_COLORS[v.kind] });
  if (own && own.kind !== 'outsideScope') return ownSpec(own);
  const inside = classifier?.contains(rel);
  if (inside && inside.kind !== 'outsideScope') {
    const lines = [`${CONTAINS[inside.kind]} — ${ruleText(inside)}`, ...(own ? [`${OWN[own.kind].label} — ${ruleText(own)}`] : []), ...changedLine];
    return { badge: '•', tooltip: lines.join('\n'), color: DECORATION_COLORS[inside.kind] };
  }
  if (own) return ownSpec(own);
  if (changedWhen) return { badge: CHANGED.badge, tooltip: changedLine.join('\n'), color: DECORATION_COLORS.changed };
  return undefined;
}

const FILE_WRITERS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

/** The files an allowed file-writing call changed, from the decision's own paths (Bash writes are too uncertain to badge). */
export function writtenFiles(d: Pick<DecisionRecord, 'tool' | 'paths'>, root: string): string[] {
  if (!FILE_WRITERS.has(d.tool)) return [];
  return d.paths.map((p) => path.resolve(root, p));
}
