/**
 * A persistent code-server profile for the demo workspace: the built extension installed the
 * way the test harness does it, and settings that make the workspace start a supervised
 * session as soon as it opens.
 *
 * code-server's workbench is a *remote* window: `machine`-scoped settings (agent command,
 * supervisor) are read from the server's Machine settings, not from the User file, so both
 * files get the same values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_USER_SETTINGS, installAgentLane, type Profile } from '../../test/harness/profile';
import { DEMO_PEOPLE } from './workspace';

export interface DemoSettingsInput {
  readonly claudePath: string;
  readonly agentArgs: readonly string[];
  readonly missionFile: string;
  readonly theme?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export function demoSettings(o: DemoSettingsInput): Record<string, unknown> {
  return {
    ...TEST_USER_SETTINGS,
    // The demo shows the repository's state: the git extension colours the agent's changes.
    'git.enabled': true,
    'git.autoRepositoryDetection': true,
    'git.openRepositoryInParentFolders': 'never',
    'workbench.colorTheme': o.theme ?? 'Default Dark Modern',
    'window.commandCenter': false,
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.gpuAcceleration': 'off',
    // The lane's hook server and the fake API listen on loopback; no port-forwarding prompts.
    'remote.autoForwardPorts': false,
    'agentLane.agent.command': o.claudePath,
    'agentLane.agent.args': [...o.agentArgs],
    'agentLane.autoStartSession': o.missionFile,
    'agentLane.supervisor.name': DEMO_PEOPLE.supervisor.name,
    'agentLane.supervisor.email': DEMO_PEOPLE.supervisor.email,
    ...o.extra,
  };
}

/** A profile under `root` whose workspace is `workspaceDir` (not a copied fixture). */
export function createDemoProfile(root: string, workspaceDir: string, settings: Record<string, unknown>): Profile {
  const profile: Profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspaceDir,
  };
  writeSettings(profile, settings);
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  installAgentLane(profile);
  return profile;
}

export function writeSettings(profile: Profile, settings: Record<string, unknown>): void {
  for (const scope of ['User', 'Machine']) {
    const dir = path.join(profile.userDataDir, scope);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  }
}

/** Environment for code-server: the extension host and the agent's terminal inherit it. */
export function agentEnvironment(o: { home: string; baseUrl?: string; apiKey: string }): Record<string, string> {
  const env: Record<string, string> = {
    HOME: o.home,
    ANTHROPIC_API_KEY: o.apiKey,
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // A neutral shell prompt and no user rc files leaking into the demo terminal.
    SHELL: '/bin/bash',
  };
  if (o.baseUrl) env.ANTHROPIC_BASE_URL = o.baseUrl;
  return env;
}
