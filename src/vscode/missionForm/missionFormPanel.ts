/**
 * The mission form: a webview generated from the mission schema. The host validates as the
 * intent owner types (with the CLI's loader), renders the YAML preview, saves to
 * `.agentlane/missions/<id>.yaml` and offers to start a session with it.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { PolicyService } from '../policyService';
import type { SessionController } from '../sessionController';
import { Disposable } from '../lifecycle';
import { renderPage, webviewOptions } from '../webview/html';
import type { FormValues, MissionFormHostMessage, Problem } from '../webview/protocol/missionForm';
import { dispatchMissionFormMessage } from './dispatch';
import { evaluateForm } from './evaluate';
import { missionFormFields } from './formModel';
import { MissionFileError, generateMissionId, missionFileFor } from './missionFile';
import { emptyValues } from './values';
import { describeError } from '../../core/common/errors';

export const MISSION_FORM_VIEW_TYPE = 'agentLane.missionForm';

export interface MissionFormDeps {
  extensionUri: vscode.Uri;
  policy: PolicyService;
  sessions: SessionController;
  output: vscode.LogOutputChannel;
}

export interface InitialForm {
  values: FormValues;
  /** The file the values came from ("Edit in form"). */
  file?: string;
  /** The loader's problems with that file. */
  problems?: Problem[];
}

export type SaveResult =
  | { ok: true; file: string }
  | { ok: false; message: string; problems: Problem[] };

export interface SaveOptions {
  /** Asked before replacing a different existing file; default: a modal warning. */
  confirmOverwrite?: (file: string) => Thenable<boolean>;
  /** Offer "Start session" afterwards (default true; tests turn it off). */
  offerStart?: boolean;
}

export class MissionFormPanel extends Disposable {
  /** The open form, if any (one at a time; integration tests drive it through this). */
  static current: MissionFormPanel | undefined;

  private readonly panel: vscode.WebviewPanel;
  private readonly fields = missionFormFields();
  private values: FormValues;
  private file: string | undefined;
  private readonly fileProblems: Problem[];
  private disposed = false;

  static show(deps: MissionFormDeps, initial?: InitialForm): MissionFormPanel {
    const existing = MissionFormPanel.current;
    if (existing && !initial) {
      existing.panel.reveal();
      return existing;
    }
    existing?.dispose();
    MissionFormPanel.current = new MissionFormPanel(deps, initial);
    return MissionFormPanel.current;
  }

  private constructor(private readonly deps: MissionFormDeps, initial?: InitialForm) {
    super();
    this.values = initial?.values ?? { ...emptyValues(this.fields), id: generateMissionId() };
    this.file = initial?.file;
    this.fileProblems = initial?.problems ?? [];
    this.panel = vscode.window.createWebviewPanel(MISSION_FORM_VIEW_TYPE, initial?.file ? `Mission: ${path.basename(initial.file)}` : 'New Mission',
      vscode.ViewColumn.Active, { ...webviewOptions(deps.extensionUri) });
    this.panel.webview.html = renderPage({
      webview: this.panel.webview, extensionUri: deps.extensionUri, title: 'Mission',
      script: 'missionForm', styles: ['base.css', 'missionForm.css'],
    });
    this._register(this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (MissionFormPanel.current === this) MissionFormPanel.current = undefined;
    this.panel.dispose();
    super.dispose();
  }

  /** The values the form holds right now. */
  get currentValues(): FormValues {
    return this.values;
  }

  /** Integration tests: save these values as if the page had sent them. */
  submitForTest(values: FormValues, options: SaveOptions = {}): Promise<SaveResult> {
    this.values = values;
    return this.save(values, { offerStart: false, ...options });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = dispatchMissionFormMessage(raw);
    switch (m.type) {
      case 'rejected':
        this.deps.output.warn(`mission form: ignored a message: ${m.reason}`);
        return;
      case 'ready':
        this.post({ type: 'init', form: { fields: this.fields, values: this.values, file: this.file, fileLabel: this.label(this.file), fileProblems: this.fileProblems } });
        this.validate(0, this.values);
        return;
      case 'change':
        this.values = m.values;
        this.validate(m.seq, m.values);
        return;
      case 'regenerateId': {
        const id = generateMissionId();
        this.values = { ...this.values, id };
        this.post({ type: 'id', id });
        return;
      }
      case 'save':
        this.values = m.values;
        await this.save(m.values);
        return;
      case 'startSession':
        if (this.file) await this.deps.sessions.start(this.file);
        return;
      case 'openFile':
        if (this.file) await vscode.window.showTextDocument(vscode.Uri.file(this.file));
        return;
    }
  }

  private validate(seq: number, values: FormValues): void {
    const ev = evaluateForm(this.fields, values, this.targetLabel(values), this.deps.policy.stack?.layers ?? []);
    this.post({ type: 'validation', seq, yaml: ev.yaml, problems: ev.problems, notes: ev.notes });
  }

  private async save(values: FormValues, options: SaveOptions = {}): Promise<SaveResult> {
    const fail = (message: string, problems: Problem[] = []): SaveResult => {
      this.post({ type: 'saveFailed', message, problems });
      return { ok: false, message, problems };
    };
    const root = this.deps.policy.workspaceRoot;
    if (!root) return fail('open a folder first: missions are saved in its .agentlane/missions/');
    const id = typeof values.id === 'string' ? values.id.trim() : '';
    let file: string;
    try {
      file = missionFileFor(root, id);
    } catch (err) {
      if (MissionFileError.is(err)) return fail(err.message, [{ path: 'id', message: err.message }]);
      throw err;
    }
    const ev = evaluateForm(this.fields, values, file, this.deps.policy.stack?.layers ?? []);
    if (ev.problems.length) return fail(`the mission is not valid: ${ev.problems[0].path ? `${ev.problems[0].path}: ` : ''}${ev.problems[0].message}`, ev.problems);
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing !== undefined && existing !== ev.yaml && path.resolve(file) !== (this.file && path.resolve(this.file))) {
      const confirm = options.confirmOverwrite ?? ((f: string) => vscode.window
        .showWarningMessage(`${this.label(f)} already exists with different content. Overwrite it?`, { modal: true }, 'Overwrite')
        .then((pick) => pick === 'Overwrite'));
      if (!(await confirm(file))) return fail(`not saved: ${this.label(file)} already exists`);
    }
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, ev.yaml, 'utf8');
    } catch (err) {
      return fail(`cannot write ${this.label(file)}: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}`);
    }
    this.file = file;
    this.deps.output.info(`mission ${id} saved to ${file}`);
    this.post({ type: 'saved', file, fileLabel: this.label(file) });
    if (options.offerStart !== false) void this.offerStart(file);
    return { ok: true, file };
  }

  private async offerStart(file: string): Promise<void> {
    const start = 'Start Session with This Mission';
    const open = 'Open YAML';
    const pick = await vscode.window.showInformationMessage(`Agent Lane: mission saved to ${this.label(file)}.`, start, open);
    if (pick === start) await this.deps.sessions.start(file);
    else if (pick === open) await vscode.window.showTextDocument(vscode.Uri.file(file));
  }

  private targetLabel(values: FormValues): string {
    const id = typeof values.id === 'string' ? values.id.trim() : '';
    return this.file ?? path.join('.agentlane', 'missions', `${id || 'mission'}.yaml`);
  }

  private label(file: string): string;
  private label(file: string | undefined): string | undefined;
  private label(file: string | undefined): string | undefined {
    const root = this.deps.policy.workspaceRoot;
    return file && root ? path.relative(root, file) : file;
  }

  private post(m: MissionFormHostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }
}
