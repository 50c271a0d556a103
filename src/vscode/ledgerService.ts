/**
 * Ships the session traces to the organisation's ledger in the background: the directory
 * sink under the extension's storage by default, or `agentLane.ledger.url` (a directory,
 * `postgres://…`, or an OTLP/HTTP logs endpoint). The local trace file is the durable queue:
 * when the ledger is down nothing is lost, the sync catches up later.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { asLedgerError, errorInfo } from '../core/ledger/errors';
import { openSink } from '../core/ledger/openSink';
import { LedgerSync, type LedgerSyncStatus } from '../core/ledger/sync';
import type { LedgerSink } from '../core/ledger/sink';
import { Disposable } from './lifecycle';
import type { Config } from './config';
import { describeError } from '../core/common/errors';

export class LedgerService extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<LedgerSyncStatus>());
  readonly onDidChange = this._onDidChange.event;
  private sync: LedgerSync | undefined;
  private sink: LedgerSink | undefined;
  /** Set when the configured ledger cannot even be opened (a bad address): nothing syncs until the setting changes. */
  private unusable: LedgerSyncStatus | undefined;

  constructor(private readonly storage: string, private readonly output: vscode.LogOutputChannel, private readonly config: Config) {
    super();
    this._register(config.onDidChange((c) => {
      if (c.affects('ledger.url')) void this.restart();
    }));
    this._register({ dispose: () => { void this.stopSync(); } });
  }

  get traceDir(): string {
    return path.join(this.storage, 'traces');
  }

  status(): LedgerSyncStatus | undefined {
    return this.sync?.status() ?? this.unusable;
  }

  async restart(): Promise<void> {
    await this.stopSync();
    const url = this.ledgerUrl();
    try {
      this.sink = openSink(url, { cwd: this.storage });
    } catch (err) {
      // No sink, so no sync will ever start from here: say so, and what brings it back (the
      // setting's change event restarts this service; the trace files are the queue, nothing is lost).
      const error = asLedgerError(err, `cannot open ledger \`${url}\``);
      this.unusable = { sink: url, state: 'failed', lag: 0, lastError: errorInfo(error), sessions: [] };
      this._onDidChange.fire(this.unusable);
      this.output.error(`ledger ${url} cannot be used: ${error.message} [${error.reason}]; traces stay in ${this.traceDir} and sync once agentLane.ledger.url is fixed`);
      return;
    }
    try {
      await this.sink.init?.();
    } catch (err) {
      // A ledger that is down at start is retried by the sync engine with backoff.
      this.output.warn(`ledger ${this.sink.display} not ready: ${describeError(err)}; syncing will retry`);
    }
    const sync = new LedgerSync({ sink: this.sink, stateDir: path.join(this.storage, 'ledger-state') });
    sync.onDidChangeStatus((s) => {
      this._onDidChange.fire(s);
      if (s.state === 'failed' && s.lastError) this.output.error(`ledger sync to ${s.sink} failed: ${s.lastError.message}`);
    });
    this.sync = sync;
    sync.start(this.traceDir);
    this.output.info(`ledger: syncing ${this.traceDir} → ${this.sink.display}`);
  }

  private ledgerUrl(): string {
    // Machine-scoped (Config reads the user value only): a workspace cannot redirect its own evidence.
    return this.config.ledgerUrl || path.join(this.storage, 'ledger');
  }

  private async stopSync(): Promise<void> {
    const sync = this.sync;
    const sink = this.sink;
    this.sync = undefined;
    this.sink = undefined;
    this.unusable = undefined;
    await sync?.stop();
    await sink?.close().catch(() => undefined);
  }
}
