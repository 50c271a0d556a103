/**
 * The supervisor's sidebar: a webview view (not retained when hidden). The page announces
 * itself with `ready` and gets a full snapshot; after that the host posts `state` when the
 * header or approvals change and batches decisions (100 ms, at most 200 a message).
 */
import * as vscode from 'vscode';
import type { DecisionRecord } from '../../core/session/types';
import { Views } from '../constants';
import { Disposable, DisposableStore } from '../lifecycle';
import { renderPage, webviewOptions } from '../webview/html';
import {
  DEFAULT_FILTER, DecisionFilter, FEED_CAPACITY, type DecisionView, type HostMessage,
} from '../webview/protocol/sidebar';
import { Batcher } from './batcher';
import { dispatch, type SidebarHost } from './dispatch';
import { createSidebarHost } from './sidebarHost';
import type { SessionController } from '../sessionController';
import type { SessionTracker } from './sessionTracker';
import { decisionView } from './viewModel';
import { describeError } from '../../core/common/errors';

const FILTER_KEY = 'agentLane.sidebar.filter';

export class SidebarProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private readonly viewStore = this._register(new DisposableStore());
  private ready = false;
  private lastState = '';
  private readonly batcher: Batcher<DecisionView>;
  private readonly host: SidebarHost;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly memento: vscode.Memento,
    sessions: SessionController,
    private readonly tracker: SessionTracker,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.batcher = this._register(new Batcher<DecisionView>({
      intervalMs: 100,
      maxPerMessage: 200,
      capacity: FEED_CAPACITY,
      send: (items) => {
        const sessionId = this.tracker.session?.lane.sessionId;
        if (sessionId) this.post({ type: 'decisions', sessionId, items });
        this.postStateIfChanged();
      },
    }));
    this.host = createSidebarHost({
      sessions,
      tracker,
      output,
      post: (m) => this.post(m),
      sendSnapshot: () => {
        this.ready = true;
        this.sendSnapshot();
      },
      setFilter: (f) => void this.memento.update(FILTER_KEY, f),
    });
    this._register(tracker.onDidDecide((d: DecisionRecord) => {
      if (this.ready) this.batcher.push(decisionView(d));
    }));
    this._register(tracker.onDidChange(() => this.postStateIfChanged()));
    this._register(tracker.onDidSwitch(() => this.sendSnapshot()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderPage({
      webview: view.webview,
      extensionUri: this.extensionUri,
      title: 'Agent Lane',
      script: 'sidebar',
      styles: ['dist/media/codicon.css', 'base.css', 'sidebar.css'],
    });
    this.viewStore.add(view.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.viewStore.add(view.onDidChangeVisibility(() => {
      // Hidden views lose their page (retainContextWhenHidden is off): wait for the next `ready`.
      if (!view.visible) this.detach();
    }));
    this.viewStore.add(view.onDidDispose(() => {
      this.detach();
      this.view = undefined;
    }));
  }

  /** A message from the page; validated and dispatched like every other (also the API's entry for automation). */
  receive(raw: unknown): Promise<void> {
    return Promise.resolve(dispatch(raw, this.host)).then(() => undefined);
  }

  private detach(): void {
    this.ready = false;
    this.batcher.clear();
  }

  private sendSnapshot(): void {
    if (!this.view) return;
    this.batcher.clear();
    const state = this.tracker.state();
    this.lastState = JSON.stringify(state);
    const decisions = (this.tracker.session?.lane.broker.decisions ?? []).slice(-FEED_CAPACITY).map(decisionView);
    void this.view.webview.postMessage({ type: 'snapshot', state, decisions, filter: this.filter() } satisfies HostMessage);
  }

  private postStateIfChanged(): void {
    if (!this.ready) return;
    const state = this.tracker.state();
    const json = JSON.stringify(state);
    if (json === this.lastState) return;
    this.lastState = json;
    this.post({ type: 'state', state });
  }

  private filter(): DecisionFilter {
    const stored = DecisionFilter.safeParse(this.memento.get(FILTER_KEY));
    return stored.success ? stored.data : DEFAULT_FILTER;
  }

  private post(message: HostMessage): void {
    if (!this.view) return;
    this.view.webview.postMessage(message).then(undefined, (err: unknown) => {
      this.output.warn(`sidebar message not delivered: ${describeError(err)}`);
    });
  }
}

export function registerSidebar(
  context: vscode.ExtensionContext, sessions: SessionController, tracker: SessionTracker, output: vscode.LogOutputChannel,
): { provider: SidebarProvider; disposables: vscode.Disposable[] } {
  const provider = new SidebarProvider(context.extensionUri, context.workspaceState, sessions, tracker, output);
  return {
    provider,
    disposables: [
      provider,
      vscode.window.registerWebviewViewProvider(Views.sidebar, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    ],
  };
}
