/**
 * Only a person can acknowledge a commit: the rule check-commits and the ledger's commit evidence
 * both apply, kept here below both (docs/ARCHITECTURE.md, "Layers").
 */
/** Why an acknowledgement does not count as a person's, or undefined when it does. */
export function notAPerson(ackBy: string): string | undefined {
  const by = ackBy.trim();
  if (by === '' || by === 'system') return `acknowledged by \`${by || '(nobody)'}\`: the system cannot acknowledge a commit, only a person can`;
  if (by.startsWith('approver:')) return `acknowledged by the headless approver \`${by}\` without naming the person it acts for`;
  return undefined;
}
