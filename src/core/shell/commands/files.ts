/**
 * Everyday file commands: which operands they read and which they write. Flag tables only list
 * flags that take a value; see `args.ts` for why undeclared flags are safe.
 */
import * as path from 'path';
import type { Arg } from '../words';
import { flagValues, hasFlag, parseArgs, type ArgSpec } from './args';
import type { Handler } from './types';

function readAll(spec: ArgSpec = {}, valueReads: string[] = []): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, spec);
    for (const v of flagValues(p, ...valueReads)) inv.out.read(v, inv.text);
    if (hasFlag(p, 'files0-from')) readsNamedFiles(inv, flagValues(p, 'files0-from')[0]);
    for (const o of p.operands) inv.out.read(o, inv.text);
  };
}

/**
 * `--files0-from=LIST`, `tar -T LIST`, `zip -@`: the files read are named inside LIST (or on
 * stdin), which the analyser cannot see: they are any file (or what the pipeline printed).
 */
export function readsNamedFiles(inv: Parameters<Handler>[0], list: Arg | undefined, recursive = false): void {
  const fromStdin = !list || list.value === '-' || /^\/dev\/(stdin|fd\/0)$/.test(list.value);
  const names: Arg[] = fromStdin && inv.stdin.paths && inv.stdin.paths.length > 0 ? inv.stdin.paths : [{ value: '{list}', path: '**', glob: true, dynamic: true }];
  for (const n of names) (recursive ? inv.out.tree('file.read', n, inv.text) : inv.out.read(n, inv.text, true));
}

function writeAll(spec: ArgSpec = {}, skipOperands = 0): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, spec);
    p.operands.slice(skipOperands).forEach((o) => inv.out.write(o, inv.text));
  };
}


/** `grep`/`rg`/`ag`: first operand is the pattern unless given with -e/-f; directories recurse. */
function search(spec: ArgSpec, alwaysRecursive: boolean): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, spec);
    for (const f of flagValues(p, 'f', 'file', 'exclude-from', 'ignore-file')) inv.out.read(f, inv.text);
    const explicitPattern = p.flags.some((f) => ['e', 'f', 'regexp', 'file'].includes(f.name));
    const files = explicitPattern ? p.operands : p.operands.slice(1);
    const rec = alwaysRecursive || hasFlag(p, 'r', 'R', 'recursive', 'dereference-recursive');
    if (files.length === 0 && rec && !hasFlag(p, 'files', 'type-list', 'version', 'help')) {
      inv.out.tree('file.read', { value: '.', path: '.', glob: false, dynamic: false }, inv.text);
      return;
    }
    for (const f of files) (rec ? inv.out.tree('file.read', f, inv.text) : inv.out.read(f, inv.text));
  };
}

const GREP: ArgSpec = { withValue: ['e', 'f', 'm', 'A', 'B', 'C', 'd', 'D', 'regexp', 'file', 'max-count', 'include', 'exclude', 'exclude-dir', 'exclude-from', 'label', 'context', 'after-context', 'before-context', 'color', 'colour', 'binary-files', 'devices', 'directories'] };
const RG: ArgSpec = { withValue: ['e', 'f', 'g', 'm', 'A', 'B', 'C', 't', 'T', 'M', 'j', 'E', 'r', 'regexp', 'file', 'glob', 'iglob', 'type', 'type-not', 'max-count', 'context', 'after-context', 'before-context', 'max-columns', 'threads', 'encoding', 'replace', 'max-depth', 'sort', 'sortr', 'color', 'colors', 'type-add', 'ignore-file', 'pre', 'pre-glob', 'max-filesize', 'path-separator', 'field-match-separator', 'field-context-separator'] };

/**
 * sed: a script that runs (`e`, `s///e`), reads (`r`, `R`) or writes (`w`, `W`, `s///w`) files
 * is beyond the analyser. The script is scanned command by command with every address form
 * (`N`, `$`, `/re/I`, `\cREc`, `first~step`, `addr,+N`, `addr,~N`, `0,/re/`) and `{…}` blocks;
 * anything the scanner does not understand counts as hiding files (fail closed).
 */
export function sedScriptHidesFiles(script: string): boolean {
  let i = 0;
  const n = script.length;
  const skipSpace = () => { while (i < n && /[\s;]/.test(script[i])) i++; };
  const regex = (delim: string): boolean => {
    for (; i < n; i++) {
      if (script[i] === '\\') { i++; continue; }
      if (script[i] === delim) { i++; return true; }
      if (script[i] === '\n') return false;
    }
    return false;
  };
  const address = (): boolean => {
    if (/[0-9]/.test(script[i] ?? '')) {
      while (/[0-9~]/.test(script[i] ?? '')) i++;
    } else if (script[i] === '$') {
      i++;
    } else if (script[i] === '/' || script[i] === '\\') {
      const delim = script[i] === '\\' ? script[i + 1] : '/';
      i += script[i] === '\\' ? 2 : 1;
      if (!delim || !regex(delim)) return false;
      while (/[IM]/.test(script[i] ?? '')) i++;
    } else {
      return true; // no address
    }
    return true;
  };
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    if (script[i] === '}' || script[i] === '{') { i++; continue; }
    if (script[i] === '#') { while (i < n && script[i] !== '\n') i++; continue; }
    if (!address()) return true;
    while (script[i] === ' ') i++;
    if (script[i] === ',') {
      i++;
      while (script[i] === ' ') i++;
      if (script[i] === '+' || script[i] === '~') i++;
      if (!address()) return true;
    }
    while (script[i] === ' ' || script[i] === '!') i++;
    const cmd = script[i];
    if (cmd === undefined) return false;
    i++;
    if (/[rRwWeF]/.test(cmd)) return cmd !== 'F';
    if (cmd === '{' || cmd === '}') continue;
    if (cmd === 's' || cmd === 'y') {
      const delim = script[i++];
      if (!delim || delim === '\n' || delim === '\\') return true;
      if (!regex(delim) || !regex(delim)) return true;
      if (cmd === 's') {
        const flags = /^[a-zA-Z0-9]*/.exec(script.slice(i))?.[0] ?? '';
        if (/[ewEW]/.test(flags)) return true;
        i += flags.length;
      }
      continue;
    }
    if (/[aic]/.test(cmd)) {
      // text to the end of the line, continued by a trailing backslash
      while (i < n && !(script[i] === '\n' && script[i - 1] !== '\\')) i++;
      continue;
    }
    if (/[:btTvlLqQ]/.test(cmd)) {
      while (i < n && !/[;\n}]/.test(script[i])) i++;
      continue;
    }
    if (/[=dDgGhHnNpPxzl]/.test(cmd)) continue;
    return true;
  }
  return false;
}

const sed: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['e', 'f', 'l', 'expression', 'file', 'line-length'] });
  const scripts = flagValues(p, 'e', 'expression');
  for (const f of flagValues(p, 'f', 'file')) inv.out.read(f, inv.text);
  let files = p.operands;
  if (scripts.length === 0 && !hasFlag(p, 'f', 'file')) {
    if (files[0]) scripts.push(files[0]);
    files = files.slice(1);
  }
  if (scripts.some((s) => s.dynamic || sedScriptHidesFiles(s.value))) {
    inv.out.unanalyzable(`sed script runs commands or touches files: \`${scripts.map((s) => s.value).join('; ')}\``, inv.text);
  }
  const inPlace = p.flags.some((f) => f.name === 'i' || f.name.startsWith('in-place'));
  for (const f of files) {
    inv.out.read(f, inv.text);
    if (inPlace) inv.out.write(f, inv.text);
  }
};

/** awk: a program that calls `system`, `getline` or redirects output is beyond the analyser. */
const awk: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 'v', 'F', 'file', 'assign', 'field-separator', 'i', 'include', 'l', 'load', 'E', 'exec', 'e', 'source'] });
  for (const f of flagValues(p, 'f', 'file', 'i', 'include', 'E', 'exec')) inv.out.read(f, inv.text);
  if (hasFlag(p, 'l', 'load')) inv.out.unanalyzable('`awk -l` loads a compiled extension', inv.text);
  let files = p.operands;
  const programs = flagValues(p, 'e', 'source');
  if (!hasFlag(p, 'f', 'file', 'E', 'exec', 'e', 'source')) {
    if (files[0]) programs.push(files[0]);
    files = files.slice(1);
  }
  // `ARGV`/`ARGC` let the program pick its own input files; `@include`/`@load` pull in code
  const risky = /system\s*\(|getline|\|\s*"|\|&|>\s*"|>>|print[f]?\s*[^;]*>\s*[^=\s]|\bARGV\b|\bARGC\b|@include|@load|ENVIRON\s*\[|\bPROCINFO\b/;
  for (const prog of programs) {
    if (prog.dynamic || risky.test(prog.value)) inv.out.unanalyzable(`awk program runs commands or touches files: \`${prog.value}\``, inv.text);
  }
  for (const f of files) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(f.value)) inv.out.read(f, inv.text);
};

/** cp/mv/install/ln: last operand (or `-t DIR`) is written; sources are read (mv also removes them). */
function copy(kind: 'cp' | 'mv' | 'ln' | 'install'): Handler {
  const spec: ArgSpec = { withValue: ['t', 'S', 'target-directory', 'suffix', 'm', 'o', 'g', 'mode', 'owner', 'group', 'backup-dir'] };
  return (inv) => {
    const p = parseArgs(inv.args, spec);
    const targets = flagValues(p, 't', 'target-directory');
    let sources = p.operands;
    if (targets.length === 0 && !hasFlag(p, 'd', 'directory')) {
      const last = sources[sources.length - 1];
      if (last) targets.push(last);
      sources = sources.slice(0, -1);
    } else if (hasFlag(p, 'd', 'directory') && kind === 'install') {
      sources.forEach((s) => inv.out.write(s, inv.text));
      return;
    }
    const rec = kind === 'mv' || hasFlag(p, 'r', 'R', 'a', 'recursive', 'archive');
    if (kind === 'ln' && hasFlag(p, 's', 'symbolic') && targets[0]) {
      // a relative symlink target is resolved from the link's directory, not from the cwd
      const t = targets[0];
      const linkDir = sources.length > 1 || t.path.endsWith('/') ? t.path : path.posix.dirname(t.path);
      sources = sources.map((s) => (s.path.startsWith('/') || s.path.startsWith('~') ? s : { ...s, path: path.posix.join(linkDir, s.path) }));
    }
    for (const s of sources) {
      if (rec) inv.out.tree('file.read', s, inv.text);
      else inv.out.read(s, inv.text);
      if (kind === 'mv') inv.out.tree('file.write', s, inv.text);
    }
    for (const t of targets) (rec || sources.length > 1 ? inv.out.tree('file.write', t, inv.text) : inv.out.write(t, inv.text));
    // a link made here is a second name for its target in the rest of the command
    const linking = kind === 'ln' || (kind === 'cp' && hasFlag(p, 's', 'l', 'symbolic-link', 'link'));
    const t = targets[0];
    if (linking && t && !t.dynamic) {
      for (const src of sources) {
        const base = path.posix.basename(src.path.replace(/\/+$/, ''));
        if (sources.length === 1 && !t.path.endsWith('/')) inv.out.link(t.path, src.path);
        inv.out.link(`${t.path.replace(/\/+$/, '')}/${base}`, src.path);
      }
    }
  };
}

const remove: Handler = (inv) => {
  const p = parseArgs(inv.args);
  const rec = hasFlag(p, 'r', 'R', 'recursive');
  for (const o of p.operands) (rec ? inv.out.tree('file.write', o, inv.text) : inv.out.write(o, inv.text));
};

const tee: Handler = writeAll();

const dd: Handler = (inv) => {
  for (const a of inv.args) {
    const m = /^(if|of)=(.*)$/.exec(a.value);
    if (!m) continue;
    const target: Arg = { ...a, value: m[2], path: a.path.slice(3) };
    if (m[1] === 'if') inv.out.read(target, inv.text);
    else inv.out.write(target, inv.text);
  }
};

/** tar: `c`reate reads the members and writes the archive; `x` writes under `-C` (or here). */
const tar: Handler = (inv) => {
  const args = [...inv.args];
  // old-style first word without a dash: `tar czf out.tgz dir`
  if (args[0] && !args[0].value.startsWith('-')) args[0] = { ...args[0], value: `-${args[0].value}`, path: `-${args[0].path}` };
  const p = parseArgs(args, { withValue: ['f', 'C', 'T', 'X', 'file', 'directory', 'files-from', 'exclude-from', 'exclude', 'use-compress-program', 'I', 'b', 'H', 'format', 'transform', 'owner', 'group', 'mode', 'to-command', 'info-script', 'F', 'new-volume-script'] });
  if (p.flags.some((f) => ['to-command', 'info-script', 'F', 'new-volume-script', 'use-compress-program', 'I', 'checkpoint-action'].includes(f.name))) {
    inv.out.unanalyzable('tar option runs a command the analyser cannot see', inv.text);
  }
  const archive = flagValues(p, 'f', 'file');
  const dir = flagValues(p, 'C', 'directory')[0];
  for (const f of flagValues(p, 'T', 'files-from', 'X', 'exclude-from')) inv.out.read(f, inv.text);
  const creating = hasFlag(p, 'c', 'create', 'r', 'append', 'u', 'update');
  if (creating) for (const f of flagValues(p, 'T', 'files-from')) readsNamedFiles(inv, f, true);
  const extracting = hasFlag(p, 'x', 'extract', 'get');
  const prefix = (a: Arg): Arg => (dir && !a.path.startsWith('/') ? { ...a, path: `${dir.path.replace(/\/+$/, '')}/${a.path}`, glob: a.glob || dir.glob } : a);
  if (creating) {
    for (const a of archive) inv.out.write(a, inv.text);
    for (const m of p.operands) inv.out.tree('file.read', prefix(m), inv.text);
  } else {
    for (const a of archive) inv.out.read(a, inv.text);
  }
  if (extracting) {
    if (p.operands.length > 0) for (const m of p.operands) inv.out.tree('file.write', prefix(m), inv.text);
    else inv.out.tree('file.write', dir ?? { value: '.', path: '.', glob: false, dynamic: false }, inv.text);
  }
};

const zip: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['x', 'i', 'b', 'n', 't', 'tt', 'P', 'password', 'O', 'out', 'TT', 'unzip-command'] });
  if (hasFlag(p, 'TT', 'unzip-command')) inv.out.unanalyzable('zip option runs a command the analyser cannot see', inv.text);
  const [archive, ...members] = p.operands;
  if (archive) inv.out.write(archive, inv.text);
  const rec = hasFlag(p, 'r', 'R', 'recurse-paths');
  if (hasFlag(p, '@', 'names-stdin')) readsNamedFiles(inv, undefined, rec);
  for (const m of members) (rec ? inv.out.tree('file.read', m, inv.text) : inv.out.read(m, inv.text));
};

const unzip: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['d', 'x', 'P'] });
  const [archive] = p.operands;
  if (archive) inv.out.read(archive, inv.text);
  if (hasFlag(p, 'l', 'v', 'Z', 't', 'p', 'c', 'z')) return;
  inv.out.tree('file.write', flagValues(p, 'd')[0] ?? { value: '.', path: '.', glob: false, dynamic: false }, inv.text);
};

/** gzip and friends compress in place unless writing to stdout. */
const compressor: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['S', 'suffix', 'b', 'T', 'threads', 'o'] });
  const toStdout = hasFlag(p, 'c', 'stdout', 'to-stdout', 'l', 'list', 't', 'test');
  for (const o of p.operands) {
    inv.out.read(o, inv.text);
    if (!toStdout) inv.out.write(o, inv.text);
  }
  for (const o of flagValues(p, 'o')) inv.out.write(o, inv.text);
};

const sortCmd: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['k', 't', 'o', 'S', 'T', 'key', 'field-separator', 'output', 'buffer-size', 'temporary-directory', 'parallel', 'files0-from', 'batch-size'] });
  for (const o of p.operands) inv.out.read(o, inv.text);
  for (const o of flagValues(p, 'o', 'output')) inv.out.write(o, inv.text);
  for (const o of flagValues(p, 'files0-from')) {
    inv.out.read(o, inv.text);
    readsNamedFiles(inv, o);
  }
};

/** `uniq [in [out]]`. */
const uniq: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 's', 'w', 'skip-fields', 'skip-chars', 'check-chars', 'group'] });
  if (p.operands[0]) inv.out.read(p.operands[0], inv.text);
  if (p.operands[1]) inv.out.write(p.operands[1], inv.text);
};

/** `chmod MODE files`, `chown OWNER files`: the first operand is not a path. */
function modeThenFiles(withValue: string[] = ['reference']): Handler {
  return (inv) => {
    // `chmod -x f` / `chmod -w,+r f`: a symbolic mode may look like a flag; it is taken out first
    const modeIndex = inv.name === 'chmod' ? inv.args.findIndex((a) => /^([ugoa]*[-+=][rwxXstugo]*)(,[ugoa]*[-+=][rwxXstugo]*)*$/.test(a.value) && /^-[rwxXst,=+-]+$|^[^-]/.test(a.value) && !/^-[Rcfv]+$/.test(a.value)) : -1;
    if (modeIndex !== -1 && inv.args[modeIndex].value.startsWith('-')) {
      const rest = inv.args.filter((_, k) => k !== modeIndex);
      const p = parseArgs(rest, { withValue });
      const rec = hasFlag(p, 'R', 'recursive');
      for (const o of p.operands) (rec ? inv.out.tree('file.write', o, inv.text) : inv.out.write(o, inv.text));
      return;
    }
    const p = parseArgs(inv.args, { withValue });
    const rec = hasFlag(p, 'R', 'recursive');
    const skip = hasFlag(p, 'reference') ? 0 : 1;
    for (const o of p.operands.slice(skip)) (rec ? inv.out.tree('file.write', o, inv.text) : inv.out.write(o, inv.text));
  };
}

const truncate = writeAll({ withValue: ['s', 'size', 'r', 'reference', 'o'] });
/** jq: `--rawfile NAME FILE` and `--slurpfile NAME FILE` read FILE; `-L DIR` is where `import` looks. */
const jq: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['f', 'from-file', 'L', 'indent'], withTwoValues: ['arg', 'argjson', 'slurpfile', 'rawfile'] });
  for (const f of flagValues(p, 'slurpfile', 'rawfile')) inv.out.read(f, inv.text);
  for (const d of flagValues(p, 'L')) inv.out.tree('file.read', d, inv.text);
  const files = hasFlag(p, 'f', 'from-file') ? p.operands : p.operands.slice(1);
  const program = hasFlag(p, 'f', 'from-file') ? undefined : p.operands[0];
  if (program && /\b(import|include)\b/.test(program.value)) inv.out.unanalyzable('jq program imports modules the analyser cannot see', inv.text);
  for (const f of flagValues(p, 'f', 'from-file')) inv.out.read(f, inv.text);
  // after `--args`/`--jsonargs` the operands are strings, but a file read is the safe reading
  for (const f of files) inv.out.read(f, inv.text);
};

const headTail = readAll({ withValue: ['n', 'c', 'lines', 'bytes', 's', 'sleep-interval', 'pid', 'max-unchanged-stats'] });
// Only long options here: a short flag's value wrongly taken for a path just adds a harmless read.
const plainReaders = readAll({ withValue: ['wrap', 'cols', 'len', 'seek', 'skip', 'bytes', 'width', 'format', 'read-bytes', 'address-radix', 'suffix', 'delimiter', 'fields', 'characters', 'label', 'tabsize', 'separator', 'number-format', 'body-numbering', 'number-width', 'exclude', 'files0-from'] }, ['files0-from']);
const cut = readAll({ withValue: ['d', 'f', 'c', 'b', 'delimiter', 'fields', 'characters', 'bytes', 'output-delimiter'] });
const diff = readAll({ withValue: ['x', 'X', 'U', 'C', 'L', 'I', 'S', 'exclude', 'exclude-from', 'label', 'unified', 'context', 'ignore-matching-lines', 'starting-file', 'from-file', 'to-file', 'width', 'W', 'F', 'show-function-line', 'color', 'palette'] }, ['X', 'exclude-from', 'from-file', 'to-file']);
const diffRecursive: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['x', 'X', 'U', 'C', 'L', 'I', 'S', 'W', 'F'] });
  if (!hasFlag(p, 'r', 'recursive')) return diff(inv);
  for (const o of p.operands) inv.out.tree('file.read', o, inv.text);
};

const mkdirLike = writeAll({ withValue: ['m', 'mode', 'context', 'r', 'reference', 'd', 'date', 't'] });

export const FILE_COMMANDS: Array<[string[], Handler]> = [
  [['cat', 'tac', 'nl', 'less', 'more', 'bat', 'batcat', 'base64', 'base32', 'basenc', 'xxd', 'od', 'hexdump', 'hd', 'strings', 'md5sum', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'b2sum', 'cksum', 'sum', 'wc', 'paste', 'fold', 'fmt', 'expand', 'unexpand', 'column', 'rev', 'iconv', 'comm', 'join', 'split', 'csplit', 'pr', 'look', 'shuf', 'file', 'zcat', 'bzcat', 'xzcat', 'zless', 'zmore', 'zgrep', 'yq'], plainReaders],
  [['head', 'tail'], headTail],
  [['cut'], cut],
  [['diff', 'cmp', 'colordiff', 'sdiff', 'diff3'], diffRecursive],
  [['grep', 'egrep', 'fgrep'], search(GREP, false)],
  [['rg', 'ag', 'ack'], search(RG, true)],
  [['sed', 'gsed'], sed],
  [['awk', 'gawk', 'mawk', 'nawk'], awk],
  [['jq', 'gojq', 'jaq'], jq],
  [['cp'], copy('cp')],
  [['mv'], copy('mv')],
  [['ln'], copy('ln')],
  [['install'], copy('install')],
  [['rm', 'unlink', 'shred', 'srm'], remove],
  [['rmdir', 'mkdir', 'touch', 'mkfifo', 'mknod'], mkdirLike],
  [['tee'], tee],
  [['vi', 'vim', 'nvim', 'nano', 'emacs', 'ed', 'ex'], (inv) => {
    for (const o of parseArgs(inv.args).operands) { inv.out.read(o, inv.text); inv.out.write(o, inv.text); }
  }],
  [['dd'], dd],
  [['tar', 'bsdtar', 'gtar'], tar],
  [['zip'], zip],
  [['unzip'], unzip],
  [['gzip', 'gunzip', 'bzip2', 'bunzip2', 'xz', 'unxz', 'zstd', 'unzstd', 'lz4', 'compress', 'uncompress'], compressor],
  [['sort'], sortCmd],
  [['uniq'], uniq],
  [['chmod', 'chown', 'chgrp', 'setfacl', 'chattr'], modeThenFiles()],
  [['truncate'], truncate],
  [['patch'], (inv) => {
    const p = parseArgs(inv.args, { withValue: ['i', 'input', 'o', 'output', 'p', 'd', 'directory', 'r', 'B', 'z', 'V', 'D', 'F'] });
    for (const f of flagValues(p, 'i', 'input')) inv.out.read(f, inv.text);
    const outputs = flagValues(p, 'o', 'output');
    if (outputs.length > 0) outputs.forEach((o) => inv.out.write(o, inv.text));
    else if (p.operands[0]) inv.out.write(p.operands[0], inv.text);
    else inv.out.write({ value: '**', path: '**', glob: true, dynamic: false }, inv.text, true);
  }],
];
