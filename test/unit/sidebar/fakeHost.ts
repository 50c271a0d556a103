/** A SidebarHost that records what the dispatcher asked of it. */
import type { SidebarHost } from '../../../src/vscode/sidebar/dispatch';
import type { HostMessage } from '../../../src/vscode/webview/protocol/sidebar';

export interface FakeHost extends SidebarHost {
  calls: Array<{ method: string; args: unknown[] }>;
  posted: HostMessage[];
  logs: string[];
  /** Calls other than log/post/ready plumbing: what touched the session or the editor. */
  effects(): string[];
}

export interface FakeHostOptions {
  session?: boolean;
  pending?: Array<{ id: string; kind: 'tool' | 'commit' }>;
  ruleFiles?: string[];
  budget?: { cap?: number; spent: number };
  /** Makes answerApproval throw, as the broker does for an id answered elsewhere. */
  answerThrows?: { reason: string };
}

const PLUMBING = new Set(['log', 'post', 'hasSession', 'pendingApprovals', 'ruleFiles', 'budget']);

export function fakeHost(o: FakeHostOptions = {}): FakeHost {
  const calls: FakeHost['calls'] = [];
  const posted: HostMessage[] = [];
  const logs: string[] = [];
  const rec = (method: string) => (...args: unknown[]): Promise<void> => {
    calls.push({ method, args });
    return Promise.resolve();
  };
  const session = o.session ?? true;
  return {
    calls, posted, logs,
    effects: () => calls.map((c) => c.method).filter((m) => !PLUMBING.has(m)),
    log: (m) => { logs.push(m); calls.push({ method: 'log', args: [m] }); },
    post: (m) => { posted.push(m); calls.push({ method: 'post', args: [m] }); },
    sendSnapshot: () => { calls.push({ method: 'sendSnapshot', args: [] }); },
    hasSession: () => session,
    budget: () => (session ? o.budget ?? { cap: 20, spent: 3.1 } : undefined),
    pendingApprovals: () => (session ? o.pending ?? [] : []),
    answerApproval: (...args) => {
      calls.push({ method: 'answerApproval', args });
      if (o.answerThrows) throw Object.assign(new Error(o.answerThrows.reason), { reason: o.answerThrows.reason });
    },
    reviewCommit: rec('reviewCommit'),
    startSession: rec('startSession'),
    freeze: rec('freeze'),
    unfreeze: rec('unfreeze'),
    stop: rec('stop'),
    ruleFiles: () => o.ruleFiles ?? [],
    openFile: rec('openFile'),
    raiseBudget: rec('raiseBudget'),
    setFilter: (...args) => { calls.push({ method: 'setFilter', args }); },
    createPolicy: rec('createPolicy'),
    newMission: rec('newMission'),
  };
}
