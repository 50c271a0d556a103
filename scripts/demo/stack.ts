/**
 * The demo's moving parts, started in order and registered for cleanup: the sample
 * repository, the scripted fake Messages API (or the real API when ANTHROPIC_API_KEY is set),
 * the agent's private HOME, and code-server with the built extension. Shared by
 * `scripts/demo.ts` and the screenshot harness (`test/ui/screenshots.ts`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/e2e/support/fakeAnthropic';
import { startCodeServer, type RunningCodeServer } from '../../test/harness/codeServer';
import { REPO_ROOT } from '../../test/harness/paths';
import type { Profile } from '../../test/harness/profile';
import { DEMO_API_KEY, seedAgentHome } from './agentHome';
import type { Cleanup } from './cleanup';
import { DEMO_MODEL, DEMO_PROMPT, demoScript } from './model';
import { traceDirOf } from './trace';
import { agentEnvironment, createDemoProfile, demoSettings } from './vscode';
import { createDemoWorkspace, type DemoWorkspace } from './workspace';

export interface DemoStackOptions {
  readonly label: string;
  /** Keep the temp dirs when cleaning up. */
  readonly keep: boolean;
  /** Use the real Anthropic API with this key instead of the scripted fake. */
  readonly realApiKey?: string;
  readonly theme?: string;
  readonly extraSettings?: Readonly<Record<string, unknown>>;
  /** `agentLane.ledger.url`: a directory, postgres://… or an OTLP endpoint. Default: `<temp root>/ledger`. */
  readonly ledger?: string;
  readonly log: (line: string) => void;
}

export interface DemoStack {
  readonly root: string;
  readonly workspace: DemoWorkspace;
  readonly profile: Profile;
  readonly server: RunningCodeServer;
  readonly fake: FakeAnthropic | undefined;
  readonly home: string;
  readonly claudePath: string;
  readonly traceDir: string;
  /** Where the extension syncs traces (the `agentLane.ledger.url` it was given). */
  readonly ledger: string;
  readonly url: string;
}

/** `scripts/install-claude.sh` prints the runnable claude's absolute path (and installs it if needed). */
export function installedClaude(): string {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-claude.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const claude = out.trim().split('\n').pop() ?? '';
  if (!claude || !fs.existsSync(claude)) throw new Error(`scripts/install-claude.sh printed no runnable claude (got \`${claude}\`)`);
  return claude;
}

export async function startDemoStack(o: DemoStackOptions, cleanup: Cleanup): Promise<DemoStack> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `agentlane-${o.label}-`));
  cleanup.add('temp dirs', () => {
    if (o.keep) o.log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  const workspace = createDemoWorkspace(path.join(root, 'greeter'));
  o.log(`workspace  ${workspace.dir} (git repo, 1 commit; mission ${workspace.missionFile})`);

  const claudePath = installedClaude();
  o.log(`agent      ${claudePath}`);

  let fake: FakeAnthropic | undefined;
  const apiKey = o.realApiKey ?? DEMO_API_KEY;
  if (o.realApiKey) {
    o.log('model      the real Anthropic API (ANTHROPIC_API_KEY is set)');
  } else {
    // The demo may sit for a long time before someone opens the page: no idle shutdown.
    fake = await startFakeAnthropic({ script: demoScript(workspace.dir), idleTimeoutMs: 12 * 3600_000, overallTimeoutMs: 12 * 3600_000 });
    const f = fake;
    cleanup.add('fake Anthropic API', () => f.close());
    o.log(`model      scripted fake Messages API at ${fake.url} (${DEMO_MODEL})`);
  }

  const home = path.join(root, 'agent-home');
  seedAgentHome(home, workspace.dir, apiKey);

  const ledger = o.ledger ?? path.join(root, 'ledger');
  const settings = demoSettings({
    claudePath,
    agentArgs: [DEMO_PROMPT],
    missionFile: workspace.missionFile,
    theme: o.theme,
    extra: { 'agentLane.ledger.url': ledger, ...o.extraSettings },
  });
  const profile = createDemoProfile(path.join(root, 'vscode'), workspace.dir, settings);
  const server = await startCodeServer({ profile, env: agentEnvironment({ home, baseUrl: fake?.url, apiKey }) });
  cleanup.add('code-server', () => server.stop());
  return {
    root, workspace, profile, server, fake, home, claudePath,
    traceDir: traceDirOf(profile.userDataDir),
    ledger,
    url: server.workbenchUrl(workspace.dir),
  };
}
