/**
 * The vocabulary shared by the shell analyser, the policy engine, the broker and the UI.
 * Pure data: no behaviour lives here.
 */

export type Decision = 'allow' | 'ask' | 'deny';
export type Mode = 'coach' | 'build' | 'ship';
export type LayerName = 'builtin' | 'managed' | 'workspace' | 'user' | 'mission' | 'session';

/** Strictness order used everywhere: deny > ask > allow. */
export const DECISION_RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };
export const MODE_RANK: Record<Mode, number> = { ship: 0, build: 1, coach: 2 };

export function stricter(a: Decision, b: Decision): Decision {
  return DECISION_RANK[a] >= DECISION_RANK[b] ? a : b;
}

/**
 * What one tool call does once analysed. A single tool call may expand to many actions
 * (`cat a > b` reads `a`, writes `b`, executes `cat`). Paths are as written by the agent,
 * already joined onto any `cd` seen earlier in the same command; the engine resolves them
 * against the request's cwd and the workspace root.
 */
export type Action =
  | { kind: 'file.read'; path: string; glob?: boolean; via: string; dotglob?: boolean; operand?: boolean }
  /**
   * `dotglob`: the glob's `*` also matches dot files (`shopt -s dotglob`). `operand`: a word
   * given to a program the analyser has no table for — judged as a write only where it names
   * a denied, protected, self or outside-the-workspace path, or looks like a path outside the
   * write scope (a bare word such as `build` may be a subcommand).
   */
  | { kind: 'file.write'; path: string; glob?: boolean; via: string; dotglob?: boolean; operand?: boolean }
  /** One simple command after unwrapping (`sudo`, `timeout`, `bash -c` …); shell rules match `argv`. */
  | { kind: 'shell.exec'; argv: string[]; text: string; writes?: boolean }
  | { kind: 'net.fetch'; host: string; port?: number; url?: string; via: string }
  | { kind: 'mcp.call'; server: string; tool: string }
  /** A sub-agent spawn (Agent / Task tool): governed as the tool calls it makes later. */
  | { kind: 'agent.spawn'; description: string }
  /** Something we cannot see through: eval, `$(…)` as a command name, decoded payload piped to a shell … */
  | { kind: 'unanalyzable'; reason: string; text: string }
  /** An attempt to switch off the governance itself (invariant 3), e.g. `git commit --no-verify`. */
  | { kind: 'self.tamper'; reason: string; text: string };

/** A normalised tool call: Claude Code's `tool_name` and `tool_input`, plus where it runs. */
export interface ToolRequest {
  tool: string;
  input: unknown;
  /** Working directory of the agent for this call (absolute). Defaults to the workspace root. */
  cwd?: string;
}

/** Why a decision was reached; the same text goes to the agent, the UI and the trace. */
export interface Reason {
  decision: Decision;
  /** Key path of the rule, e.g. `paths.deny[0]`, or a builtin id such as `builtin.self-protection`. */
  rule: string;
  layer: LayerName;
  file?: string;
  line?: number;
  column?: number;
  /** One line a person can act on: lowercase, no final period, user input in backticks. */
  message: string;
}

export interface Evaluation {
  decision: Decision;
  reasons: Reason[];
  actions: Action[];
}
