/** The page's only line to the host, typed by the protocol. `acquireVsCodeApi` may run once. */
import type { DecisionFilter, PageMessage } from '../../src/vscode/webview/protocol/sidebar';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: PageMessage): void {
  api.postMessage(message);
}

/** What survives the view being hidden (the page is not retained): UI state only, never data. */
export interface PageState {
  filter?: DecisionFilter;
  scrollTop?: number;
  /** Deny / request-changes reasons being typed, by approval id. */
  drafts?: Record<string, string>;
  raise?: string;
}

let state: PageState = readState(api.getState());

export function pageState(): PageState {
  return state;
}

export function updatePageState(patch: Partial<PageState>): void {
  state = { ...state, ...patch };
  api.setState(state);
}

function readState(raw: unknown): PageState {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: PageState = {};
  if (typeof r.scrollTop === 'number' && Number.isFinite(r.scrollTop)) out.scrollTop = r.scrollTop;
  if (typeof r.raise === 'string') out.raise = r.raise;
  if (typeof r.drafts === 'object' && r.drafts !== null) {
    out.drafts = Object.fromEntries(Object.entries(r.drafts).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  const f = r.filter as Record<string, unknown> | undefined;
  if (f && typeof f === 'object' && typeof f.text === 'string' && ['allow', 'ask', 'deny'].every((k) => typeof f[k] === 'boolean')) {
    out.filter = { allow: f.allow as boolean, ask: f.ask as boolean, deny: f.deny as boolean, text: f.text };
  }
  return out;
}
