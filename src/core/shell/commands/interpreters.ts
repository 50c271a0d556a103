/**
 * Shells and language interpreters. A shell's `-c` string is parsed again and analysed; a script
 * file is a read; a program fed on standard input (pipe, heredoc, here-string) cannot be seen.
 * Inline one-liners for other languages (`python -c`, `node -e`) are unanalyzable unless they
 * only use a tiny vocabulary of harmless names (printing versions and literals): any other
 * identifier — `open`, `require`, `os`, `fs`, `subprocess`, `eval` … — could read or run anything.
 */
import { literalArg } from '../words';
import { parseArgs } from './args';
import { dealiasPath, isDescriptorPath } from '../aliases';
import { pythonModule } from './tools';
import { unknownProgram } from './unknown';
import type { Handler, Invocation } from './types';

const SHELL_VALUE_FLAGS = ['init-file', 'rcfile'];

/**
 * `bash [options] [-c STRING | FILE] [args]`: every option comes first (`bash -e -c -- 'cmd'`,
 * `bash -c -x 'cmd'`); `-c` means the first word after the options is the script.
 */
const shell: Handler = (inv) => {
  const args = inv.args;
  let i = 0;
  let inline = false;
  let fromStdin = false;
  for (; i < args.length; i++) {
    const a = args[i];
    const v = a.value;
    if (a.dynamic) {
      inv.out.unanalyzable(`\`${inv.name}\` option \`${v}\` comes from an expansion`, inv.text);
      return;
    }
    if (v === '--' || v === '-') { i++; break; }
    if (!/^[-+]./.test(v)) break;
    if (v.startsWith('--')) {
      if (SHELL_VALUE_FLAGS.includes(v.slice(2))) {
        inv.out.read(args[++i] ?? literalArg(''), inv.text);
      }
      continue;
    }
    const body = v.slice(1);
    if (body.includes('c')) inline = true;
    if (body.includes('s')) fromStdin = true;
    if (/[oO]/.test(body)) i++;
  }
  if (inline) {
    const command = args[i];
    if (command) inv.script(command, inv.text);
    return;
  }
  const file = !fromStdin ? args[i] : undefined;
  if (file) {
    if (file.procSub || isDescriptorPath(dealiasPath(file.path).path)) inv.out.unanalyzable(`\`${inv.name}\` runs a script from a process substitution or a file descriptor`, inv.text);
    else inv.out.read(file, inv.text);
    unknownProgram(inv, args.slice(i + 1));
    return;
  }
  stdinProgram(inv);
};

/** The program arrives on stdin: fine from a terminal, unknowable from a pipe or heredoc. */
function stdinProgram(inv: Invocation): void {
  const { kind, upstream, fed } = inv.stdin;
  if (kind === 'tty' || kind === 'file') return;
  if (kind === 'heredoc' || fed === 'heredoc') return inv.out.unanalyzable(`heredoc script to interpreter \`${inv.name}\``, inv.text);
  if (kind === 'herestring' || fed === 'herestring') return inv.out.unanalyzable(`here-string script to interpreter \`${inv.name}\``, inv.text);
  const decoder = upstream.find((u) => DECODERS.has(u));
  const fetcher = upstream.find((u) => FETCHERS.has(u));
  const from = decoder ? `decoded payload from \`${decoder}\`` : fetcher ? `download from \`${fetcher}\`` : `output of \`${upstream[upstream.length - 1] ?? 'a command'}\``;
  inv.out.unanalyzable(`${from} piped to interpreter \`${inv.name}\``, inv.text);
}

const DECODERS = new Set(['base64', 'base32', 'basenc', 'xxd', 'openssl', 'gzip', 'gunzip', 'zcat', 'bzip2', 'bunzip2', 'xz', 'unxz', 'rev', 'tr', 'uudecode', 'zstd', 'gpg', 'age', 'iconv']);
const FETCHERS = new Set(['curl', 'wget', 'nc', 'ncat', 'fetch', 'http', 'https', 'aria2c']);

const PY_SAFE = new Set(['print', 'import', 'sys', 'version', 'version_info', 'platform', 'executable', 'python_version', 'major', 'minor', 'micro', 'from', 'maxsize', 'True', 'False', 'None', 'len', 'str', 'int']);
const JS_SAFE = new Set(['console', 'log', 'process', 'version', 'versions', 'platform', 'arch', 'node', 'v8', 'JSON', 'stringify', 'Math', 'max', 'min', 'Date', 'now', 'toISOString', 'String', 'Number', 'true', 'false', 'null', 'undefined', 'typeof', 'cwd', 'exit', 'Intl', 'DateTimeFormat', 'resolvedOptions', 'timeZone']);

/** True for one-liners like `print(sys.version)` or `console.log(process.versions.node)`. */
export function triviallySimple(code: string, safe: ReadonlySet<string>): boolean {
  if (code.length > 200 || /[[\]`\\=]|\$\{/.test(code)) return false;
  const withoutStrings = code.replace(/'[^'\n]*'|"[^"\n]*"/g, '""');
  const ids = withoutStrings.match(/[A-Za-z_$][\w$]*/g) ?? [];
  return ids.every((id) => safe.has(id));
}

interface Lang { inline: string[]; withValue: string[]; safe: ReadonlySet<string>; module?: string[] }
const PYTHON: Lang = { inline: ['c'], withValue: ['W', 'X', 'Q', 'm'], safe: PY_SAFE, module: ['m'] };
const NODE: Lang = { inline: ['e', 'p', 'eval', 'print'], withValue: ['r', 'require', 'import', 'loader', 'experimental-loader', 'C', 'conditions', 'title', 'input-type', 'env-file', 'stack-size'], safe: JS_SAFE };
const PERL: Lang = { inline: ['e', 'E'], withValue: ['I', 'M', 'm', 'x'], safe: new Set(['print', 'say']) };
const RUBY: Lang = { inline: ['e'], withValue: ['I', 'r', 'C', 'E', 'x'], safe: new Set(['puts', 'p', 'print', 'RUBY_VERSION']) };
const PHP: Lang = { inline: ['r', 'R', 'B', 'E'], withValue: ['c', 'd', 'f', 'z', 't'], safe: new Set(['echo', 'print', 'phpversion', 'PHP_VERSION', 'PHP_EOL']) };

function interpreter(lang: Lang): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: [...lang.inline, ...lang.withValue], stopAtOperand: true });
    const inline = p.flags.filter((f) => lang.inline.includes(f.name));
    for (const f of p.flags) {
      if (['r', 'require', 'import', 'loader', 'experimental-loader', 'env-file', 'M', 'I'].includes(f.name) && f.value && lang !== PYTHON && lang !== PHP) {
        if (f.name === 'M' || f.name === 'I') continue;
        // `--import data:text/javascript,…`, a URL or stdin is code on the command line
        if (f.value.dynamic || /^[a-z][a-z0-9+.-]*:/i.test(f.value.value) && !/^node:/.test(f.value.value) || isDescriptorPath(f.value.value) || f.value.procSub) {
          inv.out.unanalyzable(`\`${inv.name} --${f.name}\` loads code the analyser cannot see: \`${abbreviate(f.value.value)}\``, inv.text);
        } else inv.out.read(f.value, inv.text);
      }
    }
    if (inline.length > 0) {
      for (const f of inline) {
        const code = f.value ?? literalArg('');
        if (code.dynamic || !triviallySimple(code.value, lang.safe)) {
          inv.out.unanalyzable(`inline \`${inv.name}\` program cannot be analysed: \`${abbreviate(code.value)}\``, inv.text);
        }
      }
      // `perl -ne '…' file`: the remaining words are input files (or argv we treat as such)
      for (const o of [...p.operands, ...p.rest]) if (!o.value.startsWith('-')) inv.out.read(o, inv.text);
      return;
    }
    const moduleFlag = lang.module ? p.flags.find((f) => lang.module?.includes(f.name)) : undefined;
    if (moduleFlag) {
      if (moduleFlag.value) pythonModule(inv, moduleFlag.value, [...p.operands, ...p.rest]);
      return;
    }
    const script = p.operands[0];
    if (script && script.value !== '-') {
      if (script.procSub || isDescriptorPath(dealiasPath(script.path).path)) inv.out.unanalyzable(`\`${inv.name}\` runs a script from a process substitution or a file descriptor`, inv.text);
      else inv.out.read(script, inv.text);
      // the script is a program without a table: its arguments are its operands
      unknownProgram(inv, p.rest);
      return;
    }
    if (p.flags.some((f) => ['v', 'V', 'version', 'h', 'help'].includes(f.name))) return;
    stdinProgram(inv);
  };
}

function abbreviate(code: string): string {
  return code.length > 60 ? `${code.slice(0, 57)}...` : code;
}

const evalCmd: Handler = (inv) => {
  inv.out.unanalyzable(`\`eval\` runs a string built at run time: \`${abbreviate(inv.args.map((a) => a.value).join(' '))}\``, inv.text);
};

const source: Handler = (inv) => {
  const [file] = inv.args;
  if (!file) return;
  if (file.procSub || file.dynamic || isDescriptorPath(dealiasPath(file.path).path)) {
    inv.out.unanalyzable(`\`${inv.name}\` runs a script from a process substitution or stdin`, inv.text);
    return;
  }
  inv.out.read(file, inv.text);
};

export const INTERPRETERS: Array<[string[], Handler]> = [
  [['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'rbash'], shell],
  [['python', 'python2', 'python3', 'pypy', 'pypy3', 'python3.8', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13'], interpreter(PYTHON)],
  [['node', 'nodejs', 'bun', 'deno', 'tsx', 'ts-node'], interpreter(NODE)],
  [['perl'], interpreter(PERL)],
  [['ruby', 'irb'], interpreter(RUBY)],
  [['php'], interpreter(PHP)],
  [['eval'], evalCmd],
  [['source', '.'], source],
  [['alias'], (inv) => { if (inv.args.some((a) => a.value.includes('='))) inv.out.unanalyzable('`alias` definitions hide what later commands run', inv.text); }],
  [['trap'], (inv) => {
    // `trap [--] ACTION SIGNAL…`: ACTION runs later, in this shell
    const args = inv.args[0]?.value === '--' ? inv.args.slice(1) : inv.args.filter((a, k) => k > 0 || !/^-[lpP]+$/.test(a.value));
    if (args.length > 1 && args[0].value !== '-' && args[0].value !== '') inv.script(args[0], inv.text);
  }],
];
