/**
 * The session header: mission, mode, supervisor, time and tool-call limits, the budget gauge,
 * the state (frozen with its reason), and the session's buttons (Start lives in the empty state). The info part is redrawn on
 * every state; the buttons and the raise input are built once so focus and typing survive.
 */
import type { BudgetView, SandboxView, SessionView } from '../../src/vscode/webview/protocol/sidebar';
import { MAX_RAISE_USD } from '../../src/vscode/webview/protocol/sidebar';
import { append, button, clear, h, icon } from './dom';
import { count, gaugeLevel, minutes, money } from './format';
import { pageState, send, updatePageState } from './vscodeApi';

const STATE_ICON: Record<SessionView['state'], string> = {
  starting: 'loading', running: 'pass-filled', frozen: 'debug-pause', ended: 'circle-slash',
};

export class Header {
  readonly root = h('section', { class: 'session', 'aria-label': 'Session' });
  private readonly info = h('div', { class: 'session-info' });
  private readonly freeze = button('Freeze', 'debug-pause', () => send({ type: 'freeze' }), 'danger');
  private readonly unfreeze = button('Unfreeze', 'debug-continue', () => send({ type: 'unfreeze' }), 'secondary');
  private readonly stop = button('Stop', 'debug-stop', () => send({ type: 'stop' }), 'secondary');
  private readonly raiseInput = h('input', {
    type: 'number', min: '0.01', step: 'any', max: String(MAX_RAISE_USD), id: 'raise-usd', inputmode: 'decimal',
    placeholder: 'new cap, USD', 'aria-describedby': 'raise-hint',
  });
  private readonly raiseForm: HTMLFormElement;

  constructor() {
    this.freeze.title = 'Kill switch: deny every write, command, network and MCP call from now on';
    this.raiseInput.value = pageState().raise ?? '';
    this.raiseInput.addEventListener('input', () => updatePageState({ raise: this.raiseInput.value }));
    this.raiseForm = h('form', { class: 'raise', onsubmit: (e: Event) => this.submitRaise(e) },
      h('label', { for: 'raise-usd' }, 'Raise budget to'),
      this.raiseInput,
      h('button', { type: 'submit', class: 'secondary' }, icon('arrow-up'), ' Raise'),
      h('span', { id: 'raise-hint', class: 'sr-only' }, 'You will be asked to confirm; the raise is recorded in the trace.'),
    );
    this.root.append(this.info, h('div', { class: 'controls' }, this.freeze, this.unfreeze, this.stop), this.raiseForm);
  }

  update(s: SessionView | null): void {
    this.root.hidden = s === null;
    if (!s) return;
    const live = s.state === 'running' || s.state === 'frozen' || s.state === 'starting';
    this.freeze.hidden = s.state !== 'running';
    this.unfreeze.hidden = s.state !== 'frozen';
    this.stop.hidden = !live;
    this.raiseForm.hidden = !live;
    clear(this.info);
    append(this.info, [
      h('div', { class: 'title-row' },
        h('h2', { class: 'title', title: s.title }, s.mission ? s.mission.title : s.title),
        h('span', { class: `badge mode mode-${s.mode}`, title: `mode: ${s.mode}` }, s.mode)),
      s.mission ? h('div', { class: 'muted mono' }, s.mission.id) : null,
      h('div', { class: `state state-${s.state}`, role: 'status' },
        icon(STATE_ICON[s.state], s.state === 'starting' ? 'codicon-modifier-spin' : ''), ' ',
        h('strong', {}, s.state),
        s.frozenBecause ? h('span', {}, ': ', s.frozenBecause) : null,
        s.endedBecause ? h('span', {}, ': ', s.endedBecause) : null),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Supervisor'), h('dd', {}, s.supervisor),
        h('dt', {}, 'Elapsed'), h('dd', {}, minutes(s.elapsedMinutes), s.minuteLimit !== undefined ? ` / ${minutes(s.minuteLimit)}` : ''),
        h('dt', {}, 'Tool calls'), h('dd', {}, count(s.toolCalls), s.toolCallLimit !== undefined ? ` / ${count(s.toolCallLimit)}` : '')),
      s.budget ? gauge(s.budget) : h('div', { class: 'muted' }, 'budget: no reading yet'),
      sandbox(s.sandbox),
    ]);
  }

  private submitRaise(e: Event): void {
    e.preventDefault();
    const usd = Number(this.raiseInput.value);
    if (!Number.isFinite(usd) || usd <= 0) {
      this.raiseInput.setAttribute('aria-invalid', 'true');
      return;
    }
    this.raiseInput.removeAttribute('aria-invalid');
    send({ type: 'raiseBudget', usd });
  }
}

/** Sandboxed or not, in one line; what the box allows behind a disclosure (keyboard reachable). */
function sandbox(v: SandboxView): HTMLElement {
  const line = h('div', { class: `sandbox sandbox-${v.state}`, role: v.state === 'off' ? 'alert' : 'note' },
    icon(v.state === 'on' ? 'lock' : 'unlock'), ' ', h('strong', {}, v.headline));
  if (v.sections.length === 0) return line;
  return h('details', { class: 'sandbox-details' },
    h('summary', {}, line),
    ...v.sections.map((sec) => h('div', { class: 'sandbox-section' },
      h('h3', {}, sec.title),
      h('ul', {}, ...sec.lines.map((l) => h('li', { class: 'mono' }, l))))));
}

function gauge(b: BudgetView): HTMLElement {
  const level = gaugeLevel(b);
  const ratio = b.ratio ?? 0;
  const bar = h('div', { class: 'gauge-fill' });
  // CSSOM, not a style attribute: the page's CSP has no 'unsafe-inline'.
  bar.style.width = `${Math.min(100, Math.max(0, ratio * 100)).toFixed(1)}%`;
  const caption = b.usdCap !== undefined ? `${money(b.usd)} / ${money(b.usdCap)}` : `${money(b.usd)} (no cap)`;
  const meter = h('div', {
    class: `gauge gauge-${level}`,
    role: 'meter',
    'aria-label': 'Budget used',
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-valuenow': Math.round(Math.min(ratio, 10) * 100),
    'aria-valuetext': `${caption}${level === 'unknown' ? ', spend unknown' : ''}`,
  }, bar);
  return h('div', { class: 'budget' },
    h('div', { class: 'budget-row' },
      h('span', {}, icon(level === 'unknown' ? 'warning' : 'credit-card'), ' ', caption),
      h('span', { class: 'muted' }, `${count(b.tokens)}${b.tokenCap !== undefined ? ` / ${count(b.tokenCap)}` : ''} tokens`)),
    meter,
    level === 'unknown' ? h('div', { class: 'budget-unknown' }, 'spend unknown: ', b.unknown ?? 'the meter cannot tell') : null,
    level === 'exceeded' ? h('div', { class: 'budget-exceeded' }, 'budget exceeded: raise it to let the agent continue') : null,
    b.raisedBy ? h('div', { class: 'muted' }, `cap raised by ${b.raisedBy}`) : null,
  );
}
