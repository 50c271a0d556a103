/**
 * A private HOME for the agent (and the code-server process whose terminals it runs in).
 * Interactive Claude Code shows first-run dialogs unless `~/.claude.json` says they were done
 * (docs/claude-code-facts.md, statusLine): onboarding completed, this API key approved (by its
 * last 20 characters), and the workspace trusted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A key the fake API accepts; long enough that its last 20 characters are distinctive. */
export const DEMO_API_KEY = 'sk-ant-demo-0000-agent-lane-offline-demo-key';

export function seedAgentHome(home: string, workspace: string, apiKey: string): string {
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true, mode: 0o700 });
  const trusted = { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] };
  // Both spellings of the workspace: the CLI keys projects by its cwd, which may be the realpath.
  const projects: Record<string, typeof trusted> = { [workspace]: trusted, [fs.realpathSync(workspace)]: trusted };
  const config = {
    hasCompletedOnboarding: true,
    theme: 'dark',
    numStartups: 1,
    customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
    projects,
    autoUpdates: false,
  };
  const file = path.join(home, '.claude.json');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}
