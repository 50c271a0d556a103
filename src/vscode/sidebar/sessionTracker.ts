/**
 * What the sidebar and the status bar watch: the active lane (and the one that just ended, so
 * its feed and end reason stay on screen), the policy, and a 1 s tick that refreshes the
 * budget meter — running only while a session does.
 */
import * as vscode from 'vscode';
import type { Lane } from '../../core/session/lane';
import type { DecisionRecord } from '../../core/session/types';
import type { PolicyService } from '../policyService';
import type { SessionController } from '../sessionController';
import { ContextKeys } from '../constants';
import { Disposable, DisposableStore } from '../lifecycle';
import { stateView } from './viewModel';
import type { StateView } from '../webview/protocol/sidebar';
import { describeError } from '../../core/common/errors';

const TICK_MS = 1000;

export interface TrackedSession {
  lane: Lane;
  title: string;
  endedBecause?: string;
}

export class SessionTracker extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Session started/ended, state, approvals, policy, and every tick while a session runs. */
  readonly onDidChange = this._onDidChange.event;
  /** The tracked session changed identity (a new session started): views reset their feed. */
  private readonly _onDidSwitch = this._register(new vscode.EventEmitter<void>());
  readonly onDidSwitch = this._onDidSwitch.event;
  readonly onDidDecide: vscode.Event<DecisionRecord>;

  private tracked: TrackedSession | undefined;
  private readonly laneStore = this._register(new DisposableStoreSlot());
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sessions: SessionController,
    private readonly policy: PolicyService,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.onDidDecide = sessions.onDidDecide;
    this._register(sessions.onDidChange(() => this.sync()));
    this._register(policy.onDidChange(() => this._onDidChange.fire()));
    this._register({ dispose: () => this.stopTick() });
    this.sync();
  }

  get session(): TrackedSession | undefined {
    return this.tracked;
  }

  /** The lane that can act: active and not ended. */
  get activeLane(): Lane | undefined {
    const lane = this.sessions.active?.lane;
    return lane && lane.broker.state !== 'ended' ? lane : undefined;
  }

  get policyService(): PolicyService {
    return this.policy;
  }

  state(): StateView {
    const t = this.tracked;
    return stateView({
      hasWorkspace: this.policy.workspaceRoot !== undefined,
      stack: this.policy.stack,
      lane: t?.lane,
      title: t?.title,
      endedBecause: t?.endedBecause,
    });
  }

  private sync(): void {
    const active = this.sessions.active;
    if (active && active.lane !== this.tracked?.lane) {
      const tracked: TrackedSession = { lane: active.lane, title: active.title };
      this.tracked = tracked;
      const store = this.laneStore.replace();
      store.add(active.lane.broker.onDidChangeState((e) => {
        if (e.state === 'ended') tracked.endedBecause = e.reason;
      }));
      this._onDidSwitch.fire();
    }
    const running = this.activeLane !== undefined;
    if (running) this.startTick();
    else this.stopTick();
    const state = this.tracked ? this.tracked.lane.broker.state : 'none';
    void vscode.commands.executeCommand('setContext', ContextKeys.sessionState, running ? state : 'none');
    this._onDidChange.fire();
  }

  private startTick(): void {
    if (this.tick) return;
    this.tick = setInterval(() => {
      const lane = this.activeLane;
      if (!lane) return this.sync();
      try {
        lane.meter.refresh();
      } catch (err) {
        this.output.warn(`budget meter refresh failed: ${describeError(err)}`);
      }
      this._onDidChange.fire();
    }, TICK_MS);
  }

  private stopTick(): void {
    if (this.tick) clearInterval(this.tick);
    this.tick = undefined;
  }
}

/** Holds one store at a time; replacing disposes the previous one. */
class DisposableStoreSlot implements vscode.Disposable {
  private store: DisposableStore | undefined;
  replace(): DisposableStore {
    this.store?.dispose();
    this.store = new DisposableStore();
    return this.store;
  }
  dispose(): void {
    this.store?.dispose();
    this.store = undefined;
  }
}
