/** The sandbox's vocabulary: what the box allows, derived from the effective policy. */

/** A path rule the box enforces, with why (the policy rule or the built-in reason). */
export interface BoxPath {
  path: string;
  why: string;
  /** A directory (masked directories become empty, read-only ones). */
  dir?: boolean;
}

export interface BoxLimits {
  processes: number;
  memoryMb: number;
  /** Where each limit came from (`policy limits.processes, line 9` or `default`). */
  processesWhy: string;
  memoryWhy: string;
}

/**
 * What the box allows. Paths are absolute and exist (mount points must); globs the kernel
 * cannot express are resolved against the file system at start-up, and what that leaves
 * uncovered is said in `notes`.
 */
export interface SandboxProfile {
  workspaceRoot: string;
  /** Writable directories (or files), most specific last. */
  writable: BoxPath[];
  /** Read-only inside writable areas (the agent cannot govern itself). */
  readOnly: BoxPath[];
  /** Existing files and directories whose content the agent must not see (masked). */
  masked: BoxPath[];
  /** Lane-owned directories the agent must not even see (replaced by empty ones). */
  hidden: BoxPath[];
  /** Protected files that do not exist yet: the box holds a read-only placeholder there. */
  placeholders: BoxPath[];
  /** Hosts (patterns) the egress proxy lets through, as the policy says; everything else is refused. */
  network: { allow: string[]; deny: string[]; otherwise: 'allow' | 'ask' | 'deny' };
  limits: BoxLimits;
  /** The agent's private HOME and scratch (TMPDIR). */
  home: string;
  scratch: string;
  /** Where the box is looser or stricter than the policy could say, in words. */
  notes: string[];
}

/** Host-side endpoints the box can reach, each relayed to a fixed loopback port inside it. */
export interface BoxEndpoint {
  name: 'broker' | 'model' | 'proxy';
  /** Unix socket on the host side (bind-mounted into the box). */
  socket: string;
  /** Loopback port the agent connects to inside the box. */
  port: number;
}

export type SandboxState =
  | { state: 'on'; backend: 'bubblewrap' | 'seatbelt'; limits: string[] }
  | { state: 'off'; reason: string };
