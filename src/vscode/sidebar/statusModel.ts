/**
 * The status bar item as plain data, from the same state the sidebar draws. Pure, so what the
 * supervisor sees at the bottom of the window is tested without VS Code.
 */
import type { BudgetView, StateView } from '../webview/protocol/sidebar';

export interface StatusModel {
  text: string;
  background?: 'warning' | 'error';
  /** Markdown; `$(icon)` allowed. */
  tooltip: string;
  /** For screen readers. */
  accessibilityLabel: string;
}

export const WARN_RATIO = 0.8;

const money = (n: number): string => `$${n.toFixed(2)}`;
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function statusModel(s: StateView): StatusModel {
  const session = s.session && s.session.state !== 'ended' ? s.session : null;
  if (!session) {
    if (s.policy.problems > 0) {
      return {
        text: '$(error) policy invalid',
        background: 'error',
        tooltip: `**Agent Lane: the policy has ${s.policy.problems} problem(s)**\n\nEvery agent action is denied until they are fixed.${s.policy.firstProblem ? `\n\n${escapeMd(s.policy.firstProblem)}` : ''}\n\nClick to open the Agent Lane sidebar.`,
        accessibilityLabel: `Agent Lane: policy invalid, ${s.policy.problems} problems`,
      };
    }
    const mode = s.policy.mode;
    const what = !s.hasWorkspace ? 'open a folder to supervise an agent' : !s.policy.present ? 'no policy yet: create one to start' : `policy mode \`${mode ?? 'build'}\`, no session running`;
    return {
      text: mode ? `$(shield) Agent Lane · ${mode}` : '$(shield) Agent Lane',
      tooltip: `**Agent Lane**\n\n${what}\n\nClick to open the Agent Lane sidebar.`,
      accessibilityLabel: `Agent Lane: ${what.replace(/`/g, '')}`,
    };
  }

  const b = session.budget;
  const spend = b ? (b.level === 'unknown' && b.usd === 0 ? '$?' : money(b.usd)) : '$0.00';
  const cap = b?.usdCap !== undefined ? ` / ${money(b.usdCap)}` : '';
  const frozen = session.state === 'frozen';
  const waiting = s.approvals.length ? ` · $(bell-dot) ${s.approvals.length}` : '';
  const unboxed = session.sandbox.state === 'off';
  const icon = frozen ? '$(debug-pause)' : unboxed ? '$(unlock)' : b?.level === 'unknown' ? '$(warning)' : '$(shield)';
  const text = `${icon} ${session.mode}${unboxed ? ' · not sandboxed' : ''}${frozen ? ' · frozen' : ''} · ${spend}${cap}${waiting}`;

  const lines: string[] = [`**Agent Lane · ${escapeMd(session.title)}**`, ''];
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| state | ${frozen ? `frozen: ${escapeMd(session.frozenBecause ?? 'by the supervisor')}` : session.state} |`);
  lines.push(`| mode | ${session.mode} |`);
  lines.push(`| sandbox | ${escapeMd(session.sandbox.headline)} |`);
  if (b) {
    lines.push(`| spend | ${money(b.usd)}${b.usdCap !== undefined ? ` of ${money(b.usdCap)}` : ' (no cap)'} |`);
    lines.push(`| tokens | ${integer.format(b.tokens)}${b.tokenCap !== undefined ? ` of ${integer.format(b.tokenCap)}` : ''} |`);
    lines.push(`| cost source | ${b.source} |`);
    lines.push(`| cross-check | ${crossCheck(b)} |`);
  }
  lines.push(`| minutes | ${session.elapsedMinutes.toFixed(1)}${session.minuteLimit !== undefined ? ` of ${session.minuteLimit}` : ''} |`);
  lines.push(`| tool calls | ${session.toolCalls}${session.toolCallLimit !== undefined ? ` of ${session.toolCallLimit}` : ''} |`);
  if (s.approvals.length) lines.push(`| waiting | ${s.approvals.length} approval(s) |`);
  if (b?.unknown) lines.push('', `$(warning) spend unknown: ${escapeMd(b.unknown)}`);
  lines.push('', 'Click to open the Agent Lane sidebar.');

  return {
    text,
    background: frozen || budgetAt(b, 1) ? 'error' : unboxed || budgetAt(b, WARN_RATIO) || b?.level === 'unknown' ? 'warning' : undefined,
    tooltip: lines.join('\n'),
    accessibilityLabel: `Agent Lane: ${session.mode} mode, ${unboxed ? 'not sandboxed, ' : ''}${frozen ? 'frozen, ' : ''}spent ${b ? money(b.usd) : 'nothing'}${b?.usdCap !== undefined ? ` of ${money(b.usdCap)}` : ''}${s.approvals.length ? `, ${s.approvals.length} approvals waiting` : ''}`,
  };
}

function budgetAt(b: BudgetView | undefined, ratio: number): boolean {
  if (!b) return false;
  if (ratio >= 1 && b.level === 'exceeded') return true;
  return b.ratio !== undefined && b.ratio >= ratio;
}

function crossCheck(b: BudgetView): string {
  if (!b.crossCheck) return b.source === 'both' ? 'n/a' : 'only one source so far';
  const delta = `${b.crossCheck.deltaPct >= 0 ? '+' : ''}${b.crossCheck.deltaPct.toFixed(1)}%`;
  return b.crossCheck.agree ? `agree (${delta})` : `$(warning) disagree: CLI ${delta} vs transcript`;
}

/** Keeps user text from turning into links, tables or emphasis. */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}
