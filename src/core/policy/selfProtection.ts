/**
 * Design invariant 3: the agent cannot govern itself. These rules exist in no policy file
 * and no policy can switch them off.
 */

/** Workspace-relative globs the agent may never write. */
export const SELF_WRITE_GLOBS_RELATIVE = [
  '.agentlane/**',
  '.agentlane',
  '**/.git/hooks/**',
  '**/.git/hooks',
  '**/.git/config',
  '**/.git/config.worktree',
  '**/.git/modules/*/config',
  '**/.git/modules/*/hooks/**',
  // The agents' own settings: editing them could add hooks, MCP servers or permissions.
  '**/.claude/settings.json',
  '**/.claude/settings.local.json',
  '.mcp.json',
  '**/.gemini/settings.json',
  '**/.codex/config.toml',
];

/** Home-anchored globs the agent may never write (its user-level settings). */
export const SELF_WRITE_GLOBS_HOME = [
  '~/.claude/settings.json',
  '~/.claude/settings.local.json',
  '~/.claude.json',
  '~/.gemini/settings.json',
  '~/.codex/config.toml',
  '~/.gitconfig',
  '~/.config/git/config',
  '~/.config/agentlane/**',
];

export const SELF_PROTECTION_RULE = 'builtin.self-protection';
