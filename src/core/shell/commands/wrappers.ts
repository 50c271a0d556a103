/**
 * Commands that run another command: the wrapper's own `shell.exec` is kept (so `sudo *`
 * matches) and the inner command is analysed as if typed on its own.
 */
import { isLaneVariable } from '../walk';
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs, type ArgSpec } from './args';
import { checkVariable } from '../simple';
import type { Handler, Invocation } from './types';

/** Skip the wrapper's flags (and a fixed number of leading operands), run the rest. */
function wrapper(spec: ArgSpec, leadingOperands = 0): Handler {
  return (inv) => {
    let args = inv.args;
    for (let n = 0; n <= leadingOperands; n++) {
      const p = parseArgs(args, { ...spec, stopAtOperand: true });
      if (p.operands.length === 0) return;
      args = n < leadingOperands ? p.rest : [p.operands[0], ...p.rest];
    }
    inv.run(args);
  };
}

const sudo: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['u', 'g', 'p', 'U', 'r', 't', 'C', 'h', 'D', 'R', 'T', 'user', 'group', 'prompt', 'other-user', 'role', 'type', 'close-from', 'host', 'chdir', 'chroot', 'command-timeout'], stopAtOperand: true });
  if (p.operands.length === 0) {
    if (hasFlag(p, 's', 'i', 'shell', 'login')) inv.out.unanalyzable('`sudo` opens a shell whose commands cannot be seen', inv.text);
    return;
  }
  const inner = [p.operands[0], ...p.rest];
  if (hasFlag(p, 's', 'shell', 'i', 'login') && inner.length > 0) {
    inv.script(literalArg(inner.map((a) => a.value).join(' ')), inv.text);
    return;
  }
  inv.run(inner);
};

const env: Handler = (inv) => {
  const args = inv.args;
  let i = 0;
  const withValue = new Set(['u', 'unset', 'C', 'chdir', 'S', 'split-string', 'P', 'a', 'argv0', 'default-signal', 'ignore-signal', 'block-signal']);
  for (; i < args.length; i++) {
    const v = args[i].value;
    if (v === '--') { i++; break; }
    if (v.startsWith('-') && v !== '-') {
      const name = v.replace(/^--?/, '').split('=')[0];
      if (name === 'S' || name === 'split-string' || v.startsWith('-S')) {
        const inline = v.startsWith('--') ? v.split('=').slice(1).join('=') : v.slice(2);
        const script = inline !== '' ? { ...args[i], value: inline } : args[++i];
        if (script) inv.script(script, inv.text);
        return;
      }
      // `env -i` / `env -u GIT_CONFIG_COUNT` strip the env that routes git through the lane's hooks.
      if (name === 'i' || name === 'ignore-environment' || (v.startsWith('-') && !v.startsWith('--') && /^-[a-zA-Z]*i/.test(v) && !v.startsWith('-u') && !v.startsWith('-S') && !v.startsWith('-C'))) {
        inv.out.tamper('`env -i` clears the environment that enforces the lane', inv.text);
      }
      if (name === 'u' || name === 'unset') {
        const target = v.includes('=') ? v.split('=').slice(1).join('=') : v.length > 2 && !v.startsWith('--') ? v.slice(2) : args[i + 1]?.value ?? '';
        if (isLaneVariable(target)) inv.out.tamper(`\`env -u ${target}\` removes the git configuration that enforces the lane`, inv.text);
      }
      if (withValue.has(name) && !v.includes('=') && v.length === (v.startsWith('--') ? name.length + 2 : 2)) i++;
      continue;
    }
    const eq = v.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.slice(0, eq))) {
      checkVariable(v.slice(0, eq), { ...args[i], value: v.slice(eq + 1) }, inv.out, inv.text);
      continue;
    }
    break;
  }
  if (i < args.length) inv.run(args.slice(i));
};

const timeout = wrapper({ withValue: ['k', 's', 'kill-after', 'signal'] }, 1);
const nice = wrapper({ withValue: ['n', 'adjustment'] });
const stdbuf = wrapper({ withValue: ['i', 'o', 'e', 'input', 'output', 'error'] });
const ionice = wrapper({ withValue: ['c', 'n', 'p', 'P', 'u', 'class', 'classdata', 'pid', 'pgid', 'uid'] });
const plain = wrapper({});
const chroot = wrapper({ withValue: ['userspec', 'groups'] }, 1);
const timeCmd = wrapper({ withValue: ['f', 'o', 'format', 'output'] });
const flock = wrapper({ withValue: ['w', 'E', 'timeout', 'conflict-exit-code'] }, 1);

/** `command -v x` only looks up; `command x` runs x bypassing functions. */
const command: Handler = (inv) => {
  const p = parseArgs(inv.args, { stopAtOperand: true });
  if (hasFlag(p, 'v', 'V')) return;
  if (p.operands.length > 0) inv.run([p.operands[0], ...p.rest]);
};

const exec: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['a'], stopAtOperand: true });
  if (p.operands.length === 0) {
    inv.out.unanalyzable('`exec` without a command changes file descriptors for later commands', inv.text);
    return;
  }
  inv.run([p.operands[0], ...p.rest]);
};

/** `watch`, `su -c`, `script -c`: the command is a string handed to `sh -c`. */
const watch: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['n', 'd', 'interval', 'differences', 'q', 'equexit'], stopAtOperand: true });
  const words = [...p.operands, ...p.rest];
  if (words.length === 0) return;
  if (words.some((w) => w.dynamic)) inv.out.unanalyzable('`watch` command comes from an expansion', inv.text);
  else inv.script(literalArg(words.map((w) => w.value).join(' ')), inv.text);
};

function scriptFlag(flagNames: string[], withValue: string[] = []): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: [...flagNames, ...withValue] });
    const scripts = flagValues(p, ...flagNames);
    for (const s of scripts) inv.script(s, inv.text);
    if (scripts.length === 0 && inv.name === 'su' && p.operands.length === 0 && inv.stdin.kind !== 'tty') {
      inv.out.unanalyzable('script piped to `su` cannot be analysed', inv.text);
    }
  };
}

/**
 * xargs runs its command with arguments read from stdin, which the analyser cannot see. The
 * unknown arguments become `**` (or what the previous stage is known to print, e.g. `find src`),
 * so `… | xargs cat` counts as reading anything.
 */
const xargs: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['I', 'i', 'n', 'P', 'd', 'L', 'l', 's', 'E', 'e', 'a', 'replace', 'max-args', 'max-procs', 'delimiter', 'max-lines', 'max-chars', 'eof', 'arg-file', 'process-slot-var'], stopAtOperand: true });
  for (const f of flagValues(p, 'a', 'arg-file')) inv.out.read(f, inv.text);
  const inner = p.operands.length > 0 ? [p.operands[0], ...p.rest] : [literalArg('echo')];
  const unknown = unknownInputs(inv);
  const replace = flagValues(p, 'I', 'replace', 'i')[0]?.value ?? (hasFlag(p, 'i', 'replace') ? '{}' : undefined);
  if (replace !== undefined) {
    for (const u of unknown) {
      inv.run(inner.map((a, k) => (k > 0 && a.value.includes(replace) ? { ...u, value: a.value.split(replace).join(u.value) } : a)));
    }
    return;
  }
  for (const u of unknown) inv.run([...inner, u]);
};

function unknownInputs(inv: Invocation): Arg[] {
  if (inv.stdin.paths && inv.stdin.paths.length > 0) return inv.stdin.paths;
  return [{ value: '{stdin}', path: '**', glob: true, dynamic: true }];
}

export const WRAPPERS: Array<[string[], Handler]> = [
  [['sudo', 'doas', 'run0', 'pkexec'], sudo],
  [['env'], env],
  [['timeout', 'gtimeout'], timeout],
  [['nice'], nice],
  [['nohup', 'builtin', 'setsid', 'unbuffer', 'caffeinate', 'catchsegv', 'strace', 'ltrace', 'torsocks', 'proxychains', 'proxychains4', 'busybox', 'chronic', 'ifne'], plain],
  [['stdbuf'], stdbuf],
  [['ionice'], ionice],
  [['chroot'], chroot],
  [['time'], timeCmd],
  [['flock'], flock],
  [['command'], command],
  [['exec'], exec],
  [['watch'], watch],
  [['su', 'runuser'], scriptFlag(['c', 'command'], ['s', 'shell', 'g', 'group', 'G', 'supp-group', 'w', 'whitelist-environment'])],
  [['script'], scriptFlag(['c', 'command'], ['E', 'echo', 'I', 'log-in', 'O', 'log-out', 'B', 'log-io', 'T', 'log-timing', 'm', 'logging-format'])],
  [['xargs'], xargs],
];
