/** A problem in a policy file, with the position a person needs to fix it. */
export interface PolicyProblem {
  file: string;
  line: number;   // 1-based
  column: number; // 1-based
  /** Key path such as `paths.deny[2]`, empty for document-level problems. */
  path: string;
  message: string;
}

export function formatProblem(p: PolicyProblem): string {
  const where = p.path ? ` at \`${p.path}\`` : '';
  return `${p.file}:${p.line}:${p.column}: ${p.message}${where}`;
}
