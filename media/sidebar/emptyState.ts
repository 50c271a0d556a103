/** No session yet: how to begin, in three steps, each with its button. */
import type { StateView } from '../../src/vscode/webview/protocol/sidebar';
import { button, clear, h, icon } from './dom';
import { send } from './vscodeApi';

export class EmptyState {
  readonly root = h('section', { class: 'empty', 'aria-labelledby': 'empty-title' });

  update(s: StateView): void {
    this.root.hidden = s.session !== null && s.session.state !== 'ended';
    if (this.root.hidden) return;
    clear(this.root);
    if (!s.hasWorkspace) {
      this.root.append(h('h2', { id: 'empty-title' }, 'Supervise a coding agent'),
        h('p', {}, 'Open a folder first: the policy, missions and sessions belong to a workspace.'));
      return;
    }
    const policyOk = s.policy.present && s.policy.problems === 0;
    const policyNote = s.policy.problems > 0
      ? h('p', { class: 'error' }, icon('error'), ` the policy has ${s.policy.problems} problem(s)`, s.policy.firstProblem ? `: ${s.policy.firstProblem}` : '', '. Every agent action is denied until they are fixed.')
      : policyOk ? h('p', { class: 'muted' }, icon('check'), ` policy in place, mode `, h('span', { class: 'badge' }, s.policy.mode ?? 'build'))
        : h('p', { class: 'muted' }, 'Decides every tool call: what the agent may read, write, run and reach.');
    const ended = s.session?.state === 'ended';
    this.root.append(
      h('h2', { id: 'empty-title' }, ended ? 'Start another session' : 'Supervise a coding agent'),
      h('ol', { class: 'steps' },
        h('li', {},
          h('strong', {}, s.policy.problems > 0 ? 'Fix the policy' : 'Create a policy'), policyNote,
          button(s.policy.present ? 'Open policy' : 'Create policy', 'shield', () => send({ type: 'createPolicy' }), policyOk ? 'secondary' : '')),
        h('li', {},
          h('strong', {}, 'Write a mission'),
          h('p', { class: 'muted' }, 'One bounded task: outcome, supervisor, scope, caps and time to live, reviewed in git. Optional for a first try.'),
          button('New mission', 'note', () => send({ type: 'newMission' }), 'secondary')),
        h('li', {},
          h('strong', {}, 'Start a supervised session'),
          h('p', { class: 'muted' }, 'The agent runs in a terminal; its tool calls, approvals and spend show up here.'),
          button('Start session', 'play', () => send({ type: 'startSession' }), policyOk ? '' : 'secondary'))),
    );
  }
}
