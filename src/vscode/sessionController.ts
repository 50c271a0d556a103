/**
 * Supervised sessions in VS Code: one lane (broker + hook server + trace) per session, bound
 * to an integrated terminal that runs the agent CLI with the generated settings. Closing the
 * terminal ends the session and seals the trace. Everything session-scoped lives in a store
 * disposed with the session.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { openLane, LaneError, type Lane } from '../core/session/lane';
import type { ApprovalAnswer, DecisionRecord, PendingApproval } from '../core/session/types';
import { Disposable, DisposableStore } from './lifecycle';
import type { Config } from './config';
import { resolveAgent } from '../core/agents/registry';
import { detectAgentVersion } from '../core/agents/version';
import { formatPerson, type SupervisorIdentity } from './identity';
import type { PolicyService } from './policyService';
import { describeError } from '../core/common/errors';

export interface ActiveSession {
  lane: Lane;
  terminal: vscode.Terminal;
  title: string;
  startedAt: number;
}

export class SessionController extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Fires on start, end, state change, approvals change. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidDecide = this._register(new vscode.EventEmitter<DecisionRecord>());
  readonly onDidDecide = this._onDidDecide.event;
  private readonly _onDidRequestApproval = this._register(new vscode.EventEmitter<PendingApproval>());
  readonly onDidRequestApproval = this._onDidRequestApproval.event;
  private session: ActiveSession | undefined;
  private starting: Promise<ActiveSession | undefined> | undefined;
  private sessionStore: DisposableStore | undefined;
  private readonly announced = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly policy: PolicyService,
    private readonly output: vscode.LogOutputChannel,
    private readonly config: Config,
    private readonly identity: SupervisorIdentity,
  ) {
    super();
    this._register(vscode.window.onDidCloseTerminal((t) => {
      const s = this.session;
      if (!s || t !== s.terminal) return;
      const code = t.exitStatus?.code ?? null;
      // An agent that dies at once is almost always a missing or misconfigured command: say so.
      if (code !== null && code !== 0 && Date.now() - s.startedAt < 5000) {
        void vscode.window.showErrorMessage(
          `Agent Lane: the agent command \`${this.config.agentCommand}\` exited at once (code ${code}). Is it installed and on PATH?`,
          'Open Settings',
        ).then((pick) => { if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'agentLane.agent'); });
      }
      void this.end(code === null ? 'terminal closed' : `terminal closed (agent exited with ${code})`, code);
    }));
    this._register({ dispose: () => { void this.end('VS Code closed', null); } });
  }

  get active(): ActiveSession | undefined {
    return this.session;
  }

  /**
   * One session at a time, even on a double click: a start in flight is joined, not repeated
   * (opening a lane takes a moment: the box, the gateway, the trace).
   */
  start(missionFile?: string): Promise<ActiveSession | undefined> {
    if (this.starting) return this.starting;
    this.starting = this.doStart(missionFile).finally(() => { this.starting = undefined; });
    return this.starting;
  }

  /** Ends the running session and waits until its trace is sealed (deactivate awaits this). */
  async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.end('VS Code closed', null);
  }

  private async doStart(missionFile?: string): Promise<ActiveSession | undefined> {
    const root = this.policy.workspaceRoot;
    if (!root) {
      void vscode.window.showWarningMessage('Agent Lane: open a folder before starting a supervised session.');
      return undefined;
    }
    if (this.session) {
      this.session.terminal.show();
      return this.session;
    }
    const storage = this.context.globalStorageUri.fsPath;
    const cli = path.join(this.context.extensionPath, 'dist', 'cli.js');
    let lane: Lane;
    // --- agent adapters (issue 13): which CLI, and the version it reports ---
    const agentArgv = [...this.config.agentCommand.split(/\s+/).filter(Boolean), ...this.config.agentArgs];
    const resolved = resolveAgent(agentArgv, this.config.agentKind);
    if (!resolved.ok) {
      void vscode.window.showErrorMessage(`Agent Lane: session not started — ${resolved.reason} (setting agentLane.agent.kind)`);
      return undefined;
    }
    const agentVersion = await detectAgentVersion(agentArgv, resolved.adapter);
    // --- end agent adapters ---
    try {
      lane = await openLane({
        workspaceRoot: root,
        managedFile: this.policy.managedFile,
        missionFile,
        traceDir: path.join(storage, 'traces'),
        supervisor: await this.identity.resolve(),
        agent: { name: resolved.adapter.kind, version: agentVersion ?? 'unknown' },
        agentKind: resolved.adapter.kind,
        agentArgv,
        extensionVersion: String(this.context.extension.packageJSON.version ?? '0.0.0'),
        statusLineCommand: (url, token) => statusLineCommand(cli, url, token),
        onStatusLine: () => this.statusText(),
        cliPath: cli,
        // A model passed in the agent's arguments is the session's model (and must match a mission pin).
        modelId: modelFromArgs([...this.config.agentCommand.split(/\s+/), ...this.config.agentArgs]),
        priceOverrides: this.config.priceOverrides,
        // The extension's storage holds traces and the default ledger: the agent must not see it.
        laneDirs: [storage],
        ledgerUrl: this.config.ledgerUrl || undefined,
      });
    } catch (err) {
      const reason = describeError(err);
      this.output.error(`session not started: ${reason}`);
      void vscode.window.showErrorMessage(`Agent Lane: session not started — ${reason.split('\n')[0]}`, 'Open Policy').then((pick) => {
        if (pick) void vscode.commands.executeCommand('agentLane.openPolicy', LaneError.is(err) ? err.problems[0]?.line : undefined);
      });
      return undefined;
    }
    const store = new DisposableStore();
    this.sessionStore = store;
    const title = lane.mission ? `${lane.mission.id}: ${lane.mission.title}` : path.basename(root);
    const launch = lane.agentCommand([...this.config.agentCommand.split(/\s+/).filter(Boolean), ...this.config.agentArgs], { interactive: true });
    const terminal = vscode.window.createTerminal({
      // The terminal names the agent and the version it reported.
      name: `Agent Lane · ${title} · ${resolved.adapter.displayName} ${agentVersion ?? '(version unknown)'}`,
      shellPath: launch.file,
      shellArgs: launch.args,
      cwd: root,
      // Exactly this environment: the extension host's may carry the lane's secrets.
      env: launch.env,
      strictEnv: true,
      iconPath: new vscode.ThemeIcon('shield'),
      isTransient: true,
    });
    store.add(terminal);
    this.session = { lane, terminal, title, startedAt: Date.now() };
    const broker = lane.broker;
    store.add(broker.onDidChangeState(() => this._onDidChange.fire()));
    store.add(broker.onDidDecide((d) => this._onDidDecide.fire(d)));
    store.add(broker.onDidChangeApprovals((pending) => {
      for (const a of pending) {
        if (this.announced.has(a.id)) continue;
        this.announced.add(a.id);
        this._onDidRequestApproval.fire(a);
      }
      this._onDidChange.fire();
    }));
    this.output.info(`session ${lane.sessionId} started (supervisor ${formatPerson(broker.supervisor)}), trace ${lane.traceFile}`);
    terminal.show();
    this._onDidChange.fire();
    return this.session;
  }

  /** Kill switch. Asks for confirmation unless `confirmed`. */
  async freeze(confirmed = false): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (!confirmed) {
      const pick = await vscode.window.showWarningMessage(
        'Freeze the session? Every write, command, network and MCP call is denied from now on; reads stay allowed.',
        { modal: true }, 'Freeze');
      if (pick !== 'Freeze') return;
    }
    const who = formatPerson(this.identity.current());
    await s.lane.broker.freeze(who, `kill switch: frozen by ${who}`, 'supervisor');
    this._onDidChange.fire();
  }

  async unfreeze(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.lane.broker.unfreeze(formatPerson(this.identity.current()), 'resumed by the supervisor');
    this._onDidChange.fire();
  }

  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    s.terminal.dispose();
    await this.end('stopped by the supervisor', null);
  }

  /** A human answered in the UI. Throws ApprovalError for ids that are not pending. */
  answer(approvalId: string, answer: ApprovalAnswer): void {
    const s = this.session;
    if (!s) throw new Error('no active session');
    s.lane.broker.answerApproval(approvalId, answer);
  }

  supervisorName(): string {
    return formatPerson(this.identity.current());
  }

  private statusText(): string {
    const s = this.session;
    if (!s) return 'Agent Lane';
    const b = s.lane.broker;
    return `Agent Lane · ${b.policy.mode.value} · ${b.state}${b.pendingApprovals.length ? ` · ${b.pendingApprovals.length} waiting` : ''}`;
  }

  private async end(reason: string, exitCode: number | null): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    try {
      await s.lane.close(reason, exitCode);
      this.output.info(`session ${s.lane.sessionId} ended: ${reason}`);
    } catch (err) {
      this.output.error(`session ${s.lane.sessionId} did not close cleanly: ${describeError(err)}`);
    } finally {
      this.sessionStore?.dispose();
      this.sessionStore = undefined;
      this._onDidChange.fire();
    }
  }
}

/** The statusLine runs our CLI under the editor's own Node (ELECTRON_RUN_AS_NODE for desktop VS Code). */
function statusLineCommand(cli: string, url: string, token: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `ELECTRON_RUN_AS_NODE=1 ${q(process.execPath)} ${q(cli)} statusline --url ${q(url)} --token ${q(token)}`;
}

function modelFromArgs(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--model' && args[i + 1]) return args[i + 1];
    if (args[i].startsWith('--model=')) return args[i].slice('--model='.length);
  }
  return null;
}
