/**
 * "A mission can only narrow the policy." The mission is the lowest layer, so anything it
 * loosens has no effect. These notes tell the intent owner where that happens; they warn,
 * they never block.
 */
import picomatch from 'picomatch';
import { globsIntersect } from '../../core/policy/globIntersect';
import type { PolicyLayer } from '../../core/policy/load';
import { MODE_RANK, type Mode } from '../../core/policy/types';
import type { Problem } from '../webview/protocol/missionForm';

export interface MissionLayerInput {
  mode?: unknown;
  scope?: { write?: unknown };
  budget?: { usd?: unknown; tokens?: unknown };
  limits?: { minutes?: unknown; toolCalls?: unknown };
}

export function narrowingNotes(m: MissionLayerInput, layers: readonly PolicyLayer[]): Problem[] {
  const notes: Problem[] = [];
  const writes = Array.isArray(m.scope?.write) ? m.scope.write.filter((g): g is string => typeof g === 'string' && g !== '') : [];
  for (const l of layers) {
    const scope = l.doc.paths?.write;
    if (!scope?.length) continue;
    const shown = scope.map((g) => `\`${g}\``).join(', ');
    const protect = l.doc.paths?.protect ?? [];
    writes.forEach((g, i) => {
      const path = `scope.write[${i}]`;
      // Protected paths are gated, not forbidden: naming one in the mission keeps it writable
      // with approval (without it, the mission's scope denies it).
      if (protect.some((p) => covers(p, g))) return;
      if (!scope.some((p) => safeIntersect(g, p))) {
        notes.push({ path, message: `\`${g}\` is outside the ${l.layer} policy's write scope (${shown}): a mission can only narrow the policy, so this glob has no effect` });
      } else if (!scope.some((p) => covers(p, g))) {
        notes.push({ path, message: `\`${g}\` reaches beyond the ${l.layer} policy's write scope (${shown}): only the part inside it can be written` });
      }
    });
  }
  const policyMode = strictestMode(layers);
  if (typeof m.mode === 'string' && policyMode && m.mode in MODE_RANK && MODE_RANK[m.mode as Mode] < MODE_RANK[policyMode.mode]) {
    notes.push({ path: 'mode', message: `mode \`${m.mode}\` is looser than the ${policyMode.layer} policy's \`${policyMode.mode}\`: the stricter mode applies` });
  }
  const caps: Array<[string, unknown, (l: PolicyLayer) => number | undefined]> = [
    ['budget.usd', m.budget?.usd, (l) => l.doc.budget?.usd],
    ['budget.tokens', m.budget?.tokens, (l) => l.doc.budget?.tokens],
    ['limits.minutes', m.limits?.minutes, (l) => l.doc.limits?.minutes],
    ['limits.toolCalls', m.limits?.toolCalls, (l) => l.doc.limits?.toolCalls],
  ];
  for (const [path, value, capOf] of caps) {
    if (typeof value !== 'number') continue;
    for (const l of layers) {
      const cap = capOf(l);
      if (cap !== undefined && value > cap) {
        notes.push({ path, message: `${value} is above the ${l.layer} policy's cap of ${cap}: the lower cap applies` });
        break;
      }
    }
  }
  return notes;
}

function strictestMode(layers: readonly PolicyLayer[]): { mode: Mode; layer: string } | undefined {
  let best: { mode: Mode; layer: string } | undefined;
  for (const l of layers) {
    const mode = l.doc.mode;
    if (mode && (!best || MODE_RANK[mode] > MODE_RANK[best.mode])) best = { mode, layer: l.layer };
  }
  return best;
}

function safeIntersect(a: string, b: string): boolean {
  try {
    return globsIntersect(a, b, false);
  } catch {
    return true; // cannot tell: no warning rather than a false one
  }
}

/** Does the policy glob cover a representative path of the mission glob? (`src/**\/*.ts` → `src/x/y/x.ts`) */
function covers(policyGlob: string, missionGlob: string): boolean {
  const sample = missionGlob.replace(/\*\*/g, 'x/y').replace(/\*/g, 'x').replace(/\?/g, 'x').replace(/\{([^,}]*)[^}]*\}/g, '$1').replace(/\[[^\]]*\]/g, 'x');
  try {
    const test = picomatch(policyGlob, { dot: true });
    return test(sample) && (!/\*\*$/.test(missionGlob) || test(sample.replace(/x\/y$/, 'x')));
  } catch {
    return true;
  }
}
