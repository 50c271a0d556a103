/**
 * Which protected paths a commit changes, judged by the policy as it stood around that
 * commit: the union of `paths.protect` at each parent (so a commit cannot lift a protection
 * and use it in one go), at the commit itself, and an optional pinned policy file (e.g. the
 * base branch's, so an earlier commit of the same PR cannot lift it either). Tightening only.
 */
import { compileGlobList, type GlobList } from '../policy/compile';
import { loadPolicyFromText } from '../policy/load';
import { formatProblem } from '../policy/errors';
import { AgentLaneError } from '../common/errors';
import { fileAt } from './commits';

export const POLICY_PATH = '.agentlane/policy.yaml';

export interface ProtectSource {
  /** Where the globs came from, for messages: `.agentlane/policy.yaml@abc123` or a file path. */
  origin: string;
  globs: GlobList;
}

export class PolicyAtCommitError extends AgentLaneError<'policy-unreadable'> {
  constructor(message: string) {
    super('policy-unreadable', message);
  }
}

/** `paths.protect` of a policy text; throws PolicyAtCommitError when the text does not load. */
export function protectFromText(text: string, origin: string): ProtectSource {
  const r = loadPolicyFromText(text, origin, 'workspace');
  if (!r.ok) throw new PolicyAtCommitError(`the policy ${origin} does not load, so protected paths cannot be judged: ${r.errors.map(formatProblem).join('; ')}`);
  const patterns = r.layer.doc.paths?.protect ?? [];
  return { origin, globs: compileGlobList(patterns, (i) => ({ layer: 'workspace', file: origin, key: `paths.protect[${i}]` }), '/') };
}

export class ProtectedPaths {
  private readonly atRev = new Map<string, Promise<ProtectSource | undefined>>();

  constructor(private readonly repo: string, private readonly pinned: ProtectSource[] = []) {}

  private sourceAt(rev: string): Promise<ProtectSource | undefined> {
    let p = this.atRev.get(rev);
    if (!p) {
      p = fileAt(this.repo, rev, POLICY_PATH).then((text) => (text === undefined ? undefined : protectFromText(text, `${POLICY_PATH}@${rev.slice(0, 12)}`)));
      this.atRev.set(rev, p);
    }
    return p;
  }

  /** The first changed path a protect glob covers (the path or one of its directories), with the rule. */
  async firstHit(sha: string, parents: readonly string[], files: readonly string[]): Promise<{ path: string; pattern: string; origin: string } | undefined> {
    const sources = [...this.pinned];
    for (const rev of [...parents, sha]) {
      const s = await this.sourceAt(rev);
      if (s) sources.push(s);
    }
    for (const f of files) {
      for (const candidate of withParents(f)) {
        for (const s of sources) {
          const rule = s.globs.rules.find((r) => !r.absolute && r.test(candidate));
          if (rule) return { path: f, pattern: rule.pattern, origin: s.origin };
        }
      }
    }
    return undefined;
  }
}

/** `a/b/c` → `a/b/c`, `a/b`, `a`: a glob naming a directory protects what is inside it (as in evaluate.ts). */
function withParents(p: string): string[] {
  const out = [p];
  let cur = p;
  for (let i = cur.lastIndexOf('/'); i > 0; i = cur.lastIndexOf('/')) {
    cur = cur.slice(0, i);
    out.push(cur);
  }
  return out;
}
