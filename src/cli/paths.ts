/** Default locations for the CLI's own state: outside any workspace (the agent cannot reach it). */
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultTraceDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'agentlane', 'traces');
}
