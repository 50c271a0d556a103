/**
 * Why a staged file deserves a second look, by rule: the session's own policy is asked what a
 * Write to that path would get (protected → ask with `paths.protect`, outside the write scope →
 * deny with `paths.write`, denied → any other deny), and added lines are searched for secrets.
 */
import * as path from 'node:path';
import { evaluate, type EvaluationContext } from '../../core/policy/evaluate';
import type { CompiledPolicy } from '../../core/policy/compile';
import type { FileFlag } from '../webview/protocol/review';

export function pathFlags(relPath: string, policy: CompiledPolicy, ctx: EvaluationContext): FileFlag[] {
  const abs = path.join(ctx.workspaceRoot, relPath);
  const ev = evaluate({ tool: 'Write', input: { file_path: abs, content: '' } }, policy, ctx);
  if (ev.decision === 'allow') return [];
  const flags: FileFlag[] = [];
  for (const r of ev.reasons) {
    const where = r.layer === 'builtin' ? '' : ` (${r.layer} policy${r.line ? `, line ${r.line}` : ''})`;
    if (r.decision === 'ask' && r.rule.startsWith('paths.protect')) {
      flags.push({ kind: 'protected', rule: r.rule, message: `${r.message}${where}` });
    } else if (r.decision === 'deny' && r.rule === 'paths.write') {
      flags.push({ kind: 'outside-scope', rule: r.rule, message: `${r.message}${where}` });
    } else if (r.decision === 'deny') {
      flags.push({ kind: 'denied', rule: r.rule, message: `${r.message}${where}` });
    }
  }
  return flags;
}

export function secretFlags(secretLines: ReadonlyArray<{ line: number; rules: string[] }>): FileFlag[] {
  return secretLines.flatMap(({ line, rules }) => rules.map((rule): FileFlag => ({
    kind: 'secret', rule, line, message: `added line ${line} looks like a secret (\`${rule}\`); it is masked here`,
  })));
}
