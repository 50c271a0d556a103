/** The lane's git wiring in one call, so lane.ts only composes (see hookScripts.ts for the why). */
import { existingRepoHooks } from './chain';
import { FREQUENT_HOOKS, installGitHooks, type InstalledGitHooks } from './hookScripts';

export interface LaneGitHooksOptions {
  sessionDir: string;
  workspaceRoot: string;
  /** Absolute path of the bundled CLI (`dist/cli.js`). */
  cliPath: string;
  /** The runtime that runs it; in VS Code, Electron with ELECTRON_RUN_AS_NODE. */
  nodePath?: string;
  token: string;
}

export async function setupLaneGitHooks(o: LaneGitHooksOptions): Promise<InstalledGitHooks> {
  return installGitHooks({
    sessionDir: o.sessionDir,
    nodePath: o.nodePath ?? process.execPath,
    cliPath: o.cliPath,
    token: o.token,
    existingRepoHooks: await existingRepoHooks(o.workspaceRoot, FREQUENT_HOOKS),
  });
}
