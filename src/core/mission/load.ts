/**
 * Mission YAML → a validated mission and the policy layer it stands for. Problems carry
 * file, line and column, like policy problems, and a bad mission fails closed the same way.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { PolicyProblem } from '../policy/errors';
import { collectPositions, hashPolicyText, formatKeyPath, type PolicyLayer, type SourcePosition } from '../policy/load';
import type { PolicyDocument } from '../policy/schema';
import { missionSchema, type Mission } from './schema';

export type MissionLoad =
  | { ok: true; mission: Mission; layer: PolicyLayer; hash: string }
  | { ok: false; errors: PolicyProblem[] };

export function loadMissionFromText(text: string, file: string): MissionLoad {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (o: number): SourcePosition => { const p = lc.linePos(o); return { line: p.line, column: p.col }; };
  if (doc.errors.length) {
    return { ok: false, errors: doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: `yaml: ${e.message.split('\n')[0]}` })) };
  }
  const parsed = missionSchema.safeParse(doc.toJS() ?? {});
  const positions = collectPositions(doc, at);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        const keyPath = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
        const target = issue.code === 'unrecognized_keys' ? [...keyPath, issue.keys[0]] : keyPath;
        let pos: SourcePosition = { line: 1, column: 1 };
        for (let n = target.length; n >= 0; n--) {
          const p = positions.get(formatKeyPath(target.slice(0, n)));
          if (p) { pos = p; break; }
        }
        const message = issue.code === 'unrecognized_keys' ? `unknown key \`${issue.keys[0]}\`` : issue.message;
        return { file, ...pos, path: formatKeyPath(target), message };
      }),
    };
  }
  const mission = parsed.data;
  const hash = hashPolicyText(text);
  return { ok: true, mission, hash, layer: missionLayer(mission, file, hash, positions) };
}

/** The mission as a policy layer; rule positions point at the mission file's own lines. */
export function missionLayer(m: Mission, file: string, hash: string, missionPositions: ReadonlyMap<string, SourcePosition>): PolicyLayer {
  const doc: PolicyDocument = { version: 1, mode: m.mode };
  const positions = new Map<string, SourcePosition>();
  const alias = (policyKey: string, missionKey: string): void => {
    const p = missionPositions.get(missionKey);
    if (p) positions.set(policyKey, p);
  };
  alias('mode', 'mode');
  if (m.scope.write?.length || m.scope.deny?.length || m.scope.protect?.length) {
    doc.paths = { write: m.scope.write, deny: m.scope.deny, protect: m.scope.protect };
    for (const key of ['write', 'deny', 'protect'] as const) {
      (m.scope[key] ?? []).forEach((_g, i) => alias(`paths.${key}[${i}]`, `scope.${key}[${i}]`));
    }
  }
  if (m.budget.usd !== undefined || m.budget.tokens !== undefined) {
    doc.budget = { usd: m.budget.usd, tokens: m.budget.tokens };
    alias('budget.usd', 'budget.usd');
    alias('budget.tokens', 'budget.tokens');
  }
  if (m.limits.minutes !== undefined || m.limits.toolCalls !== undefined) {
    doc.limits = { minutes: m.limits.minutes, toolCalls: m.limits.toolCalls };
    alias('limits.minutes', 'limits.minutes');
    alias('limits.toolCalls', 'limits.toolCalls');
  }
  return { layer: 'mission', file, hash, doc, positions };
}
