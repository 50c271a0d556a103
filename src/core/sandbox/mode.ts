/**
 * Whether a session runs in the OS sandbox, from the policy layers (README "The two walls").
 * Any layer may say `sandbox: off` — unless some layer says `required`, which an organisation
 * puts in its managed layer so that nobody below can turn the box off. `off` is never silent: the
 * lane records it in the trace and the UI shows it with the rule that said so.
 */
import type { CompiledPolicy, RuleRef } from '../policy/compile';

export type SandboxDecision =
  | { mode: 'on'; ref?: RuleRef }
  | { mode: 'off'; ref: RuleRef; reason: string }
  | { mode: 'refused'; ref: RuleRef; requiredBy: RuleRef; reason: string };

export function sandboxDecision(policy: CompiledPolicy): SandboxDecision {
  let off: RuleRef | undefined;
  let required: RuleRef | undefined;
  let on: RuleRef | undefined;
  for (const l of policy.layers) {
    const s = l.sandbox;
    if (!s) continue;
    if (s.value === 'off') off ??= s.ref;
    else if (s.value === 'required') required ??= s.ref;
    else on ??= s.ref;
  }
  if (off && required) {
    return {
      mode: 'refused', ref: off, requiredBy: required,
      reason: `${where(off)} says \`sandbox: off\`, but ${where(required)} requires the sandbox: remove \`sandbox: off\``,
    };
  }
  if (off) return { mode: 'off', ref: off, reason: `sandbox turned off by ${where(off)}` };
  return { mode: 'on', ref: required ?? on };
}

export function where(ref: RuleRef): string {
  const file = ref.file.includes('.agentlane/') ? ref.file.slice(ref.file.lastIndexOf('.agentlane/')) : ref.file;
  return `${ref.layer} policy (${file}${ref.line ? `:${ref.line}` : ''})`;
}
