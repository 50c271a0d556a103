/**
 * The per-session settings file handed to Claude Code with `--settings`. Every hook is an
 * http hook with `onFailure: "block"`: if the broker is gone, slow or answers garbage, the
 * guarded call is blocked (measured: docs/claude-code-facts.md). The bearer token is written
 * literally into the file (mode 0600, in a private directory the policy denies to the agent)
 * rather than passed by env, because the Bash tool inherits the agent's environment.
 */
export const HOOK_ROUTES = {
  PreToolUse: '/hook/pre-tool-use',
  PostToolUse: '/hook/post-tool-use',
  PostToolUseFailure: '/hook/post-tool-use',
  UserPromptSubmit: '/hook/user-prompt-submit',
  Stop: '/hook/stop',
  SubagentStop: '/hook/stop',
  SessionEnd: '/hook/session-end',
} as const;

export const STATUS_ROUTE = '/statusline';

export interface SettingsInput {
  baseUrl: string;
  /** Bearer token for the host listener; none inside the sandbox, where the channel itself is the credential. */
  token?: string;
  /** Seconds the CLI waits for a decision; approvals wait inside it. */
  hookTimeoutSeconds: number;
  /** Command line for the statusLine (interactive sessions); omitted headless, where it never runs. */
  statusLineCommand?: string;
}

interface HttpHook {
  type: 'http';
  url: string;
  timeout: number;
  onFailure: 'block';
  headers: Record<string, string>;
}

export function claudeSettings(input: SettingsInput): Record<string, unknown> {
  const hook = (route: string, timeout: number): HttpHook => ({
    type: 'http',
    url: `${input.baseUrl}${route}`,
    timeout,
    onFailure: 'block',
    headers: input.token ? { Authorization: `Bearer ${input.token}` } : {},
  });
  const hooks: Record<string, Array<{ matcher?: string; hooks: HttpHook[] }>> = {};
  for (const [event, route] of Object.entries(HOOK_ROUTES)) {
    const timeout = event === 'PreToolUse' ? input.hookTimeoutSeconds : 30;
    hooks[event] = [{ ...(event.includes('ToolUse') ? { matcher: '*' } : {}), hooks: [hook(route, timeout)] }];
  }
  const settings: Record<string, unknown> = {
    hooks,
    // Our settings file outranks user and project settings: make sure nobody switched hooks off.
    disableAllHooks: false,
  };
  if (input.statusLineCommand) settings.statusLine = { type: 'command', command: input.statusLineCommand, padding: 0 };
  return settings;
}
