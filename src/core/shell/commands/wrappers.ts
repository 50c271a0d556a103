/**
 * Commands that run another command: the wrapper's own `shell.exec` is kept (so `sudo *`
 * matches) and the inner command is analysed as if typed on its own.
 */
import { joinCwd } from '../emit';
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

/**
 * `env [-i] [-u NAME] [-C DIR] [-S STRING] [-P PATH] [NAME=VALUE]… [COMMAND]`, with options
 * clustered (`env -iC dir`, `env -vS 'cmd'`), attached (`-Cdir`), long (`--chdir=dir`) or the
 * obsolete `env -` (same as `-i`).
 */
const ENV_SHORT_VALUE = new Set(['u', 'C', 'S', 'P', 'a']);
const ENV_LONG_VALUE: Record<string, string> = { unset: 'u', chdir: 'C', 'split-string': 'S', argv0: 'a' };

const env: Handler = (inv) => {
  const args = inv.args;
  let i = 0;
  let chdir: Arg | undefined;
  let searchPath: Arg | undefined;
  const option = (letter: string, value: Arg | undefined): boolean => {
    if (letter === 'i') inv.out.tamper('`env -i` clears the environment that enforces the lane', inv.text);
    if (!value) return false;
    if (letter === 'u' && isLaneVariable(value.value)) inv.out.tamper(`\`env -u ${value.value}\` removes the git configuration that enforces the lane`, inv.text);
    if (letter === 'C') chdir = value;
    if (letter === 'P') searchPath = value;
    if (letter === 'S') {
      // the string is split into words and the remaining arguments follow it
      const rest = args.slice(i + 1);
      if (value.dynamic || rest.some((r) => r.dynamic)) inv.out.unanalyzable(`\`env -S\` string comes from an expansion`, inv.text);
      else inv.script(literalArg([value.value, ...rest.map((r) => r.value)].join(' ')), inv.text);
      return true;
    }
    return false;
  };
  for (; i < args.length; i++) {
    const a = args[i];
    const v = a.value;
    if (a.dynamic && v.startsWith('-')) {
      inv.out.unanalyzable(`\`env\` option \`${v}\` comes from an expansion`, inv.text);
      return;
    }
    if (v === '--') { i++; break; }
    if (v === '-') { option('i', undefined); continue; }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = v.slice(2, eq === -1 ? undefined : eq);
      if (name === 'ignore-environment') option('i', undefined);
      const letter = ENV_LONG_VALUE[name];
      if (letter) {
        const value = eq !== -1 ? { ...a, value: v.slice(eq + 1), path: v.slice(eq + 1) } : args[++i];
        if (option(letter, value)) return;
      }
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j];
        if (!ENV_SHORT_VALUE.has(letter)) { option(letter, undefined); continue; }
        const inline = v.slice(j + 1);
        const value = inline !== '' ? { ...a, value: inline, path: inline } : args[++i];
        if (option(letter, value)) return;
        break;
      }
      continue;
    }
    const eq = v.indexOf('=');
    // `env` takes any NAME=VALUE, even names a shell could not assign (`BASH_FUNC_ls%%=…`)
    if (eq > 0 && !v.slice(0, eq).includes('/')) {
      checkVariable(v.slice(0, eq), { ...a, value: v.slice(eq + 1), path: a.path.slice(eq + 1) }, inv.out, inv.text);
      continue;
    }
    break;
  }
  if (i >= args.length) return;
  let inner = args.slice(i);
  if (searchPath && !inner[0].value.includes('/')) {
    // `env -P DIR cmd` runs DIR/cmd: a program the analyser does not know
    const prog = `${searchPath.value.split(':')[0].replace(/\/+$/, '')}/${inner[0].value}`;
    inner = [{ ...inner[0], value: prog, path: prog, dynamic: inner[0].dynamic || searchPath.dynamic }, ...inner.slice(1)];
  }
  if (!chdir) {
    inv.run(inner);
    return;
  }
  const dir = chdir;
  const saved = inv.out.cwds;
  if (dir.dynamic || dir.glob) inv.out.cwds = [null];
  else inv.out.cwds = saved.map((c) => joinCwd(c, dir.path));
  try {
    inv.run(inner);
  } finally {
    inv.out.cwds = saved;
  }
};

/** `strace -o FILE cmd`: a tracer writes its log; `-p PID` attaches instead of running a command. */
const tracer: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['o', 'e', 'p', 's', 'u', 'E', 'P', 'I', 'b', 'a', 'X', 'O', 'S', 'output', 'expr', 'attach', 'user', 'env', 'string-limit'], stopAtOperand: true });
  for (const o of flagValues(p, 'o', 'output')) inv.out.write(o, inv.text);
  for (const e of flagValues(p, 'e', 'expr')) if (/inject|fault/.test(e.value)) inv.out.unanalyzable('`strace -e inject` changes what the traced program does', inv.text);
  if (p.operands.length > 0) inv.run([p.operands[0], ...p.rest]);
};

const timeout = wrapper({ withValue: ['k', 's', 'kill-after', 'signal'] }, 1);
const nice = wrapper({ withValue: ['n', 'adjustment'] });
const stdbuf = wrapper({ withValue: ['i', 'o', 'e', 'input', 'output', 'error'] });
const ionice = wrapper({ withValue: ['c', 'n', 'p', 'P', 'u', 'class', 'classdata', 'pid', 'pgid', 'uid'] });
const plain = wrapper({});
const chroot = wrapper({ withValue: ['userspec', 'groups'] }, 1);
const timeCmd = wrapper({ withValue: ['f', 'o', 'format', 'output'] });
/** `flock [opts] LOCK cmd…` or `flock [opts] LOCK -c 'cmd'` (the string goes to `sh -c`). */
const flock: Handler = (inv) => {
  const spec = { withValue: ['w', 'E', 'timeout', 'conflict-exit-code', 'c', 'command'], stopAtOperand: true };
  const first = parseArgs(inv.args, spec);
  const scripts = (p: ReturnType<typeof parseArgs>) => flagValues(p, 'c', 'command');
  for (const s of scripts(first)) inv.script(s, inv.text);
  if (first.operands.length === 0) return;
  const second = parseArgs(first.rest, spec);
  for (const s of scripts(second)) inv.script(s, inv.text);
  if (second.operands.length > 0) inv.run([second.operands[0], ...second.rest]);
};

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
  [['nohup', 'builtin', 'setsid', 'unbuffer', 'caffeinate', 'catchsegv', 'torsocks', 'proxychains', 'proxychains4', 'busybox', 'chronic', 'ifne'], plain],
  [['stdbuf'], stdbuf],
  [['strace', 'ltrace'], tracer],
  [['ionice'], ionice],
  [['chroot'], chroot],
  [['time'], timeCmd],
  [['flock'], flock],
  [['command'], command],
  [['exec'], exec],
  [['watch'], watch],
  [['su', 'runuser'], scriptFlag(['c', 'command'], ['s', 'shell', 'g', 'group', 'G', 'supp-group', 'w', 'whitelist-environment'])],
  [['sg'], (inv) => { const [, ...rest] = inv.args; scriptFlag(['c'])({ ...inv, args: rest }); if (rest[0] && !rest[0].value.startsWith('-')) inv.script(literalArg(rest.map((r) => r.value).join(' ')), inv.text); }],
  [['script'], scriptFlag(['c', 'command'], ['E', 'echo', 'I', 'log-in', 'O', 'log-out', 'B', 'log-io', 'T', 'log-timing', 'm', 'logging-format'])],
  [['xargs'], xargs],
];
