/** Fixture builders for the sidebar tests. */
import type { DecisionView, StateView, SessionView, BudgetView } from '../../../src/vscode/webview/protocol/sidebar';

export function decision(seq: number, verdict: DecisionView['decision'] = 'allow', o: { tool?: string; summary?: string; rule?: string } = {}): DecisionView {
  return {
    seq,
    ts: new Date(Date.UTC(2026, 10, 21, 12, 0, seq % 60)).toISOString(),
    tool: o.tool ?? 'Bash',
    summary: o.summary ?? `echo ${seq}`,
    decision: verdict,
    rule: { rule: o.rule ?? 'commands.allow[0]', layer: 'workspace', message: 'allowed by the policy', file: '/ws/.agentlane/policy.yaml', line: 7 },
  };
}

export function budget(o: Partial<BudgetView> = {}): BudgetView {
  return { usd: 3.1, usdCap: 20, tokens: 120_000, level: 'ok', ratio: 3.1 / 20, source: 'both', crossCheck: { agree: true, deltaPct: 0.2 }, ...o };
}

export function session(o: Partial<SessionView> = {}): SessionView {
  return {
    sessionId: 's1', title: 'M-2026-11-21-ab12: fix the flaky test', mode: 'build', supervisor: 'Ada <ada@example.com>',
    state: 'running', elapsedMinutes: 12.5, minuteLimit: 60, toolCalls: 42, toolCallLimit: 500, budget: budget(),
    sandbox: { state: 'on', headline: 'sandboxed (bubblewrap)', sections: [{ title: 'Writable', lines: ['src — workspace paths.write[0]'] }] }, ...o,
  };
}

export function state(o: Partial<StateView> = {}): StateView {
  return { hasWorkspace: true, policy: { present: true, mode: 'build', problems: 0 }, session: null, approvals: [], ...o };
}
