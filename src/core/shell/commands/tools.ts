/**
 * Tables for the everyday programs that are not file utilities: builtins and system tools that
 * open no file by name, developer tools that read their operands (and write them only with a
 * flag), `make`, database clients, and the bash builtins that change how later words expand.
 */
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs } from './args';
import type { Handler } from './types';
import { netFromUrl } from './network';
import { unknownProgram } from './unknown';

/** Programs that take no file operands (or only look at names and metadata, never contents). */
const noFiles: Handler = () => undefined;
export const NO_FILE_PROGRAMS = ['echo', 'printf', 'true', 'false', ':', 'test', '[', '[[', 'expr', 'seq', 'sleep', 'yes', 'exit', 'return', 'wait',
  'jobs', 'fg', 'bg', 'disown', 'shift', 'break', 'continue', 'times', 'caller', 'getopts', 'read', 'whoami', 'id', 'uname', 'hostname', 'nproc', 'getconf',
  'locale', 'tty', 'logname', 'groups', 'cal', 'uptime', 'free', 'df', 'ps', 'pgrep', 'pkill', 'kill', 'killall', 'tput', 'clear', 'printenv', 'history',
  'dirs', 'help', 'sync', 'unalias', 'ulimit', 'umask', 'ls', 'll', 'dir', 'stat', 'du', 'tree', 'readlink', 'realpath', 'basename', 'dirname', 'pwd',
  'which', 'type', 'whereis', 'tr', 'lsof', 'free', 'vmstat', 'top', 'htop', 'mktemp', 'export', 'local', 'readonly', 'typeset', 'declare', 'unset'];

/** `date -f FILE` echoes every line it cannot parse: a read. */
const date: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 'file', 'd', 'date', 'r', 'reference', 'I', 's', 'set'] });
  for (const f of flagValues(p, 'f', 'file')) inv.out.read(f, inv.text);
};

/** `shopt -s nocaseglob|dotglob`: later globs match more than they seem to. */
const shopt: Handler = (inv) => {
  const p = parseArgs(inv.args);
  const on = hasFlag(p, 's') ? true : hasFlag(p, 'u') ? false : undefined;
  if (on === undefined) return;
  for (const o of p.operands) {
    if (o.value === 'nocaseglob') inv.out.options.nocaseglob = on;
    if (o.value === 'dotglob' || o.value === 'globstar') inv.out.options.dotglob = inv.out.options.dotglob || on;
    if (o.value === 'cdable_vars' && on) inv.out.cdpath = true; // `cd name` may go to the value of $name
    if (o.value === 'expand_aliases' && on) inv.out.unanalyzable('`shopt -s expand_aliases` lets aliases change what later commands run', inv.text);
    if (o.dynamic) inv.out.unanalyzable(`\`shopt\` option \`${o.value}\` comes from an expansion`, inv.text);
  }
};

/** `hash -p PATH NAME` makes NAME run PATH; `enable -f` loads a builtin from a shared library. */
const hash: Handler = (inv) => {
  if (inv.args.some((a) => /^-[a-zA-Z]*p/.test(a.value))) inv.out.unanalyzable('`hash -p` makes a command name run another program', inv.text);
};
const enable: Handler = (inv) => {
  if (inv.args.some((a) => /^-[a-zA-Z]*f/.test(a.value))) inv.out.unanalyzable('`enable -f` loads shell code from a library', inv.text);
};

/** `mapfile -C CALLBACK` evaluates CALLBACK every few lines. */
const mapfile: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['d', 'n', 'O', 's', 'u', 'C', 'c'] });
  if (hasFlag(p, 'C')) inv.out.unanalyzable('`mapfile -C` evaluates a callback the analyser cannot see', inv.text);
};

/** `let EXPR…`: arithmetic on names that might hold `a[$(cmd)]`. */
const letCmd: Handler = (inv) => {
  for (const a of inv.args) {
    for (const id of a.value.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      if (!inv.out.numeric.has(id)) {
        inv.out.unanalyzable(`\`let\` evaluates \`${id}\`, whose value may hold an array subscript that runs commands`, inv.text);
        return;
      }
    }
  }
};

/** `set -x` prints `PS4` before each command, expanding any `$(…)` in it. */
const set: Handler = (inv) => {
  if (inv.args.some((a) => a.dynamic)) inv.out.unanalyzable('`set` options come from an expansion', inv.text);
};

/** `coproc [NAME] command`: runs the command in the background. */
const coproc: Handler = (inv) => {
  const args = inv.args;
  if (args.length === 0) return;
  inv.run(args);
};

/** Linters, test runners, compilers: read their operands; write them only with the flag named. */
function devTool(writeFlags: string[], writesByDefault = false, readOnlyFlags: string[] = []): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: ['c', 'config', 'p', 'project', 'o', 'outDir', 'out-dir', 'outfile', 'reporter', 'r', 'require', 'ignore-path', 'rootDir', 'k', 'm', 't', 'testNamePattern', 'grep', 'g', 'timeout', 'j', 'jobs', 'n', 'format', 'f', 'env', 'x', 'ext'] });
    const writes = (writesByDefault && !hasFlag(p, ...readOnlyFlags)) || hasFlag(p, ...writeFlags);
    for (const f of flagValues(p, 'c', 'config', 'p', 'project', 'ignore-path', 'r', 'require')) inv.out.read(f, inv.text);
    for (const f of flagValues(p, 'o', 'outDir', 'out-dir', 'outfile')) inv.out.tree('file.write', f, inv.text);
    for (const o of p.operands) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(o.value)) { netFromUrl(inv, o); continue; }
      if (writes) inv.out.tree('file.write', o, inv.text);
      else inv.out.read(o, inv.text);
    }
    if (writes) inv.markWrites();
  };
}

/** make: recipes come from the Makefile (workspace code); `--eval` and a makefile on stdin do not. */
const make: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 'file', 'makefile', 'C', 'directory', 'I', 'include-dir', 'j', 'jobs', 'l', 'load-average', 'o', 'old-file', 'W', 'what-if', 'new-file', 'assume-new', 'E', 'eval', 'O', 'output-sync'] });
  if (hasFlag(p, 'E', 'eval')) inv.out.unanalyzable('`make --eval` runs make code given on the command line', inv.text);
  for (const f of flagValues(p, 'f', 'file', 'makefile')) {
    if (f.value === '-' || /^\/(dev\/(stdin|fd)|proc\/)/.test(f.value) || f.procSub || f.dynamic) inv.out.unanalyzable(`makefile \`${f.value}\` cannot be seen by the analyser`, inv.text);
    else inv.out.read(f, inv.text);
  }
  for (const d of flagValues(p, 'C', 'directory')) inv.out.read(d, inv.text);
  for (const o of p.operands) {
    const eq = o.value.indexOf('=');
    if (eq <= 0) continue;
    // `make VAR=value`: a variable may be a recipe (`SHELL=`, `.SHELLFLAGS`) – the value is what it runs
    if (/^(SHELL|\.SHELLFLAGS|MAKEFLAGS|MAKEFILES|MFLAGS)$/.test(o.value.slice(0, eq))) inv.out.unanalyzable(`\`make ${o.value.slice(0, eq)}=\` changes what make runs`, inv.text);
    // any other value reaches recipes the analyser cannot see: it is an operand (`make FILE=.env`)
    else unknownProgram(inv, [{ ...o, value: o.value.slice(eq + 1), path: o.path.slice(o.path.indexOf('=') + 1) }]);
  }
};

/**
 * Interpreters without a table of their own: an inline program (`Rscript -e`, `osascript -e`,
 * `pwsh -Command`) is code the analyser cannot see; a script file is read and its arguments are
 * operands; a program on a pipe or heredoc is unknown.
 */
function otherInterpreter(inline: string[], withValue: string[] = []): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: [...inline, ...withValue], stopAtOperand: true, singleDashLong: inline.some((f) => f.length > 1 && f[0] === f[0].toUpperCase()) });
    const code = p.flags.find((f) => inline.includes(f.name));
    if (code) {
      inv.out.unanalyzable(`inline \`${inv.name}\` program cannot be analysed`, inv.text);
      return;
    }
    const script = p.operands[0];
    if (script) {
      inv.out.read(script, inv.text);
      unknownProgram(inv, p.rest);
    } else if (inv.stdin.kind !== 'tty' && !p.flags.some((f) => ['v', 'version', 'h', 'help'].includes(f.name))) {
      inv.out.unanalyzable(`\`${inv.name}\` reads a program from standard input`, inv.text);
    }
  };
}

/** `at`/`batch` run commands read from stdin (or `-f FILE`) later; `crontab FILE` installs a schedule. */
const scheduler: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 'q', 'm', 't', 'u'] });
  if (inv.name === 'crontab') {
    if (hasFlag(p, 'l', 'list')) return;
    inv.out.unanalyzable('`crontab` installs commands that run outside the session', inv.text);
    return;
  }
  if (hasFlag(p, 'l', 'c', 'd', 'r')) return;
  inv.out.unanalyzable(`\`${inv.name}\` schedules commands to run outside the session`, inv.text);
};

/** sqlite3 DB [SQL]: the database is read and written; dot-commands and some functions run programs or touch files. */
const sqlite: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['cmd', 'init', 'separator', 'newline', 'nullvalue', 'vfs', 'mmap', 'pagecache', 'lookaside', 'maxsize'], singleDashLong: true });
  const [db, ...sql] = p.operands;
  if (db) { inv.out.read(db, inv.text); inv.out.write(db, inv.text); }
  if (hasFlag(p, 'init')) inv.out.unanalyzable('`sqlite3 -init` runs commands from a file', inv.text);
  const statements = [...sql, ...flagValues(p, 'cmd')];
  const risky = /(^|\n|;)\s*\.(shell|system|import|output|once|read|load|save|backup|restore|open|excel|log|cd|clone|archive|ar|dump)\b|readfile\s*\(|writefile\s*\(|load_extension|edit\s*\(|\battach\b|fts3_tokenizer|\bvacuum\s+into\b/i;
  if (statements.some((s) => s.dynamic || risky.test(s.value))) inv.out.unanalyzable('sqlite3 command runs programs or touches files the analyser cannot see', inv.text);
  if (statements.length === 0 && inv.stdin.kind !== 'tty') inv.out.unanalyzable('sqlite3 commands fed on standard input cannot be analysed', inv.text);
};

/** psql/mysql: `-h` or a URL is a host; `\\!` and `system` run shell commands. */
const dbClient: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['h', 'host', 'c', 'command', 'e', 'execute', 'f', 'file', 'U', 'username', 'u', 'user', 'p', 'port', 'd', 'dbname', 'D', 'database', 'o', 'output', 'P'] });
  for (const h of flagValues(p, 'h', 'host')) inv.out.net(h.dynamic ? { host: `(${h.value})` } : { host: h.value.toLowerCase() }, inv.text);
  for (const o of p.operands) if (/^[a-z]+:\/\//i.test(o.value)) netFromUrl(inv, o);
  for (const f of flagValues(p, 'f', 'file')) inv.out.read(f, inv.text);
  for (const f of flagValues(p, 'o', 'output')) inv.out.write(f, inv.text);
  const cmds = flagValues(p, 'c', 'command', 'e', 'execute');
  if (cmds.some((c) => c.dynamic || /\\!|\\o|\\copy|\\i|\\g\s*\||\bsystem\b|\bpg_read_file|\blo_import|\bcopy\b.*\bprogram\b|\bload_file\b|\binto\s+outfile\b/i.test(c.value))) {
    inv.out.unanalyzable(`\`${inv.name}\` command runs a shell command or touches files`, inv.text);
  }
  if (cmds.length === 0 && !hasFlag(p, 'f', 'file', 'l', 'list', 'V', 'version') && inv.stdin.kind !== 'tty') inv.out.unanalyzable(`\`${inv.name}\` commands fed on standard input cannot be analysed`, inv.text);
};

/** `python -m MODULE`: modules we know become the matching tool; any other module is code we cannot see. */
export function pythonModule(inv: Parameters<Handler>[0], module: Arg, rest: Arg[]): void {
  const m = module.value;
  if (module.dynamic) { inv.out.unanalyzable(`\`${inv.name} -m\` module comes from an expansion`, inv.text); return; }
  if (PY_TOOL_MODULES.has(m)) { inv.run([literalArg(m), ...rest]); return; }
  if (m === 'venv' || m === 'virtualenv') { for (const o of parseArgs(rest).operands) inv.out.tree('file.write', o, inv.text); inv.markWrites(); return; }
  if (m === 'json.tool' || m === 'tokenize' || m === 'tabnanny' || m === 'py_compile') {
    const ops = parseArgs(rest, { withValue: ['indent'] }).operands;
    ops.forEach((o, k) => (m === 'json.tool' && k === 1 ? inv.out.write(o, inv.text) : inv.out.read(o, inv.text)));
    return;
  }
  if (m === 'http.server') { inv.out.net({ host: '(listen)' }, inv.text); unknownProgram(inv, rest); return; }
  inv.out.unanalyzable(`\`${inv.name} -m ${m}\` runs module code the analyser has no table for`, inv.text);
}
const PY_TOOL_MODULES = new Set(['pip', 'pytest', 'mypy', 'black', 'ruff', 'flake8', 'pylint', 'isort', 'unittest', 'coverage']);

export const TOOLS: Array<[string[], Handler]> = [
  [NO_FILE_PROGRAMS, noFiles],
  [['date', 'gdate'], date],
  [['shopt'], shopt],
  [['hash'], hash],
  [['enable'], enable],
  [['mapfile', 'readarray'], mapfile],
  [['let'], letCmd],
  [['set'], set],
  [['coproc'], coproc],
  [['tsc', 'jest', 'vitest', 'mocha', 'pytest', 'mypy', 'pylint', 'flake8', 'shellcheck', 'markdownlint', 'cspell', 'unittest', 'coverage', 'tap', 'ava', 'c8', 'nyc', 'golangci-lint', 'hadolint', 'yamllint', 'actionlint', 'stylelint', 'tslint'], devTool([])],
  [['rspec', 'minitest', 'phpunit', 'pest', 'behave', 'cucumber', 'karma', 'cypress', 'playwright', 'tox', 'nox'], devTool([])],
  [['bundle'], (inv) => {
    // `bundle exec CMD …` runs CMD; other subcommands install gems (rubygems.org)
    if (inv.args[0]?.value === 'exec' && inv.args[1]) { inv.run(inv.args.slice(1)); return; }
    if (['install', 'update', 'add'].includes(inv.args[0]?.value ?? '')) { inv.out.net({ host: 'rubygems.org' }, inv.text); inv.markWrites(); }
  }],
  [['eslint'], devTool(['fix'])],
  [['prettier'], devTool(['w', 'write'])],
  [['black', 'autopep8', 'rustfmt', 'isort'], devTool(['i', 'in-place'], true, ['check', 'diff', 'check-only', 'l'])],
  [['ruff'], (inv) => {
    const [sub, ...rest] = inv.args;
    if (sub?.value === 'format') return devTool([], true, ['check', 'diff'])({ ...inv, args: rest });
    return devTool(['fix'])({ ...inv, args: sub?.value === 'check' ? rest : inv.args });
  }],
  [['gofmt', 'goimports'], devTool(['w'])],
  [['clang-format'], devTool(['i'])],
  [['make', 'gmake'], make],
  [['Rscript', 'R'], otherInterpreter(['e'], ['f', 'file'])],
  [['osascript'], otherInterpreter(['e'], ['l'])],
  [['lua', 'luajit', 'tclsh', 'wish', 'julia', 'guile', 'racket', 'sbcl', 'groovy', 'kotlin', 'scala', 'swift', 'elixir', 'erl', 'escript', 'gjs', 'jshell', 'expect', 'dotnet-script', 'csi', 'runghc', 'ghci'], otherInterpreter(['e', 'c', 'eval', 'E', 'x', 'l'], ['i', 'I'])],
  [['pwsh', 'powershell'], otherInterpreter(['c', 'Command', 'command', 'EncodedCommand', 'e', 'ec'], ['f', 'File', 'file'])],
  [['at', 'batch', 'crontab'], scheduler],
  [['sqlite3', 'sqlite'], sqlite],
  [['psql', 'mysql', 'mariadb', 'pgcli', 'mycli'], dbClient],
];
