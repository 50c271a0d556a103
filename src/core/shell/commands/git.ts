/**
 * git: the lane's own controls live in git (hooks path, config), so git is read closely.
 * Self-tamper: `--no-verify`/`-n` on commit (and `--no-verify` on push/merge/am…), `-c` or
 * `git config` setting `core.hooksPath` or `include.*`, `--git-dir`, `update-ref`.
 */
import { scpHost, urlHosts } from '../urlHost';
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs } from './args';
import { GIT_GLOBAL_WITH_VALUE } from './gitOptions';
import type { Handler, Invocation } from './types';

const TAMPER_KEYS = /^(core\.hookspath|include\.path|includeif\..*)$/i;
/** Keys whose value git runs as a program. */
const COMMAND_KEYS = /^(core\.(fsmonitor|sshcommand|pager|editor|askpass|gitproxy)|alias\..*|sequence\.editor|diff\..*\.(command|textconv)|diff\.external|merge\..*\.driver|filter\..*|credential\..*helper|credential\.helper|gpg\..*program|gpg\.program|uploadpack\.packobjectshook|pager\..*|interactive\.difffilter|remote\..*\.(uploadpack|receivepack)|protocol\..*\.allow)$/i;

const NETWORK_SUBS = new Set(['push', 'fetch', 'pull', 'clone', 'ls-remote', 'send-pack', 'fetch-pack', 'archive']);

/** Keys whose value (or whose own name) is where git connects. */
const HOST_KEYS = /^(https?\.(.*\.)?proxy|remote\..*\.(url|pushurl|proxy)|url\..*\.(insteadof|pushinsteadof)|core\.gitproxy|http\..*\.(proxy)|submodule\..*\.url|lfs\.url|remote\..*\.lfsurl)$/i;

function checkConfigPair(inv: Invocation, pair: string, value?: string): void {
  const eq = pair.indexOf('=');
  const key = (eq === -1 ? pair : pair.slice(0, eq)).trim();
  const val = value ?? (eq === -1 ? '' : pair.slice(eq + 1));
  if (TAMPER_KEYS.test(key)) inv.out.tamper(`git config \`${key}\` would bypass the lane's git hooks`, inv.text);
  else if (COMMAND_KEYS.test(key)) inv.out.unanalyzable(`git config \`${key}\` makes git run a command the analyser cannot see`, inv.text);
  else if (HOST_KEYS.test(key)) {
    // `url.<base>.insteadOf`: the base is where git really goes; otherwise the value is the host
    const m = /^url\.(.*)\.(insteadof|pushinsteadof)$/i.exec(key);
    const target = m ? m[1] : val;
    const hps = target.includes('://') ? urlHosts(target) : [scpHost(target) ?? urlHosts(`//${target}`)[0]].filter((h) => h);
    if (hps.length === 0) inv.out.net({ host: `(git config \`${key}\`)` }, inv.text);
    for (const hp of hps) if (hp) inv.out.net(hp, inv.text, target);
  }
}

/** Remote named in a git command: a URL, scp-style `host:path`, or a remote name (host unknown). */
function remoteHost(inv: Invocation, word: Arg | undefined): void {
  if (!word) {
    inv.out.net({ host: '(git remote)' }, inv.text);
    return;
  }
  if (word.dynamic) {
    inv.out.net({ host: `(${word.value})` }, inv.text);
    return;
  }
  const v = word.value;
  if (/^file:\/\//.test(v) || v.startsWith('/') || v.startsWith('.') || v.startsWith('~')) {
    inv.out.read(literalArg(v.replace(/^file:\/\//, '')), inv.text);
    return;
  }
  if (/^[a-z][a-z0-9+.-]*::/i.test(v)) {
    inv.out.unanalyzable(`git remote helper \`${v}\` runs a program`, inv.text);
    return;
  }
  const hps = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? urlHosts(v) : [scpHost(v)].filter((h) => h !== null);
  if (hps.length === 0) inv.out.net({ host: '(git remote)' }, inv.text);
  for (const hp of hps) inv.out.net(hp, inv.text, v);
}

const SUB_VALUE: Record<string, string[]> = {
  commit: ['m', 'F', 'C', 'c', 't', 'message', 'file', 'reuse-message', 'reedit-message', 'template', 'author', 'date', 'fixup', 'squash', 'cleanup', 'trailer', 'pathspec-from-file', 'u'],
  push: ['o', 'push-option', 'receive-pack', 'exec', 'repo', 'signed'],
  fetch: ['o', 'upload-pack', 'depth', 'deepen', 'shallow-since', 'shallow-exclude', 'refmap', 'j', 'jobs', 'server-option', 'negotiation-tip'],
  pull: ['o', 'upload-pack', 'depth', 'deepen', 's', 'strategy', 'X', 'strategy-option', 'j', 'jobs'],
  clone: ['o', 'b', 'u', 'c', 'origin', 'branch', 'upload-pack', 'reference', 'depth', 'config', 'template', 'separate-git-dir', 'j', 'jobs', 'filter', 'shallow-since', 'bundle-uri'],
  'ls-remote': ['upload-pack', 'o', 'server-option', 'sort'],
  config: ['f', 'file', 'blob', 'type', 'default', 'comment', 'value'],
  rebase: ['x', 'exec', 's', 'strategy', 'X', 'strategy-option', 'onto', 'C'],
  show: ['format', 'pretty'],
  log: ['n', 'format', 'pretty', 'since', 'until', 'author', 'grep', 'max-count', 'skip', 'S', 'G'],
  diff: ['U', 'unified', 'diff-filter', 'stat', 'word-diff', 'output', 'src-prefix', 'dst-prefix', 'relative'],
  archive: ['o', 'output', 'format', 'prefix', 'remote', 'exec', 'add-file'],
  'cat-file': ['batch', 'filters'],
  apply: ['p', 'C', 'directory', 'exclude', 'include', 'whitespace'],
  restore: ['s', 'source', 'conflict', 'pathspec-from-file'],
  checkout: ['b', 'B', 'orphan', 'conflict', 'pathspec-from-file'],
  'checkout-index': ['prefix', 'stage'],
  'format-patch': ['o', 'output-directory', 'subject-prefix', 'in-reply-to', 'to', 'cc', 'v', 'reroll-count', 'base'],
  difftool: ['x', 'extcmd', 't', 'tool'],
  worktree: ['b', 'B', 'reason'],
  init: ['template', 'separate-git-dir', 'b', 'initial-branch', 'object-format'],
};

/**
 * A pathspec as git reads it: `:(exclude)x`/`:!x` touch nothing, `:(icase)x` any casing,
 * `:/x`/`:(top)x` are from the top of the repository (wherever `cd`/`-C` went), other magic
 * (`:(literal)`, `:(glob)`, `:(attr:…)`) still names `x`.
 */
export function pathspec(a: Arg, icase = false): Arg | undefined {
  let v = a.path;
  let top = false;
  let caseless = icase;
  const long = /^:\(([^)]*)\)/.exec(v);
  if (long) {
    const magic = long[1].split(',').map((m) => m.trim().toLowerCase());
    if (magic.includes('exclude')) return undefined;
    top = magic.includes('top');
    caseless = caseless || magic.includes('icase');
    v = v.slice(long[0].length);
  } else if (v.startsWith(':')) {
    const short = /^:([/!^]*):?/.exec(v)?.[1] ?? '';
    if (short.includes('!') || short.includes('^')) return undefined;
    top = short.includes('/');
    v = v.replace(/^:[/!^]*:?/, '');
  }
  let glob = a.glob;
  if (caseless) { v = v.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`); glob = true; }
  if (top) {
    // the top of the repository: the workspace root, which may not be where `cd` left us
    // `:/` alone is the whole tree, as `.` is from the top
    return v === '' ? { ...a, value: '.', path: '.', glob: false } : { ...a, value: v, path: `/**/${v}`, glob: true };
  }
  return { ...a, value: v, path: v === '' ? '.' : v, glob };
}

function pathArgs(inv: Invocation, args: Arg[], dir: Arg | undefined, kind: 'file.read' | 'file.write', icase = false): void {
  for (const raw of args) {
    const a = pathspec(raw, icase);
    if (!a) continue;
    const target = dir && !a.path.startsWith('/') && !a.path.startsWith('~') ? { ...a, path: `${dir.path.replace(/\/+$/, '')}/${a.path}`, glob: a.glob || dir.glob } : a;
    if (kind === 'file.read') inv.out.read(target, inv.text);
    else inv.out.write(target, inv.text);
  }
}

/** `REV:path` names a file of the repository: from the top, or from the cwd when it starts with `./` or `../`. */
function revisionPaths(inv: Invocation, operands: Arg[], dir: Arg | undefined): void {
  for (const o of operands) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(o.value)) continue;
    const m = /^(?::[0-3]:|[^:]*:)(.+)$/.exec(o.value);
    if (!m) continue;
    const p = m[1];
    const rel = p.startsWith('./') || p.startsWith('../');
    const arg: Arg = { ...o, value: p, path: p };
    if (rel) pathArgs(inv, [arg], dir, 'file.read');
    else inv.out.read(arg, inv.text);
  }
}

export const git: Handler = (inv) => {
  const g = parseArgs(inv.args, { withValue: GIT_GLOBAL_WITH_VALUE, stopAtOperand: true });
  for (const f of g.flags) {
    if (f.name === 'c' && f.value) checkConfigPair(inv, f.value.value);
    if (f.name === 'config-env' && f.value) checkConfigPair(inv, f.value.value);
    if ((f.name === 'git-dir' || f.name === 'work-tree' || f.name === 'exec-path') && f.value) {
      inv.out.tamper(`\`git --${f.name}\` points git away from the lane's repository settings`, inv.text);
    }
  }
  // several `-C` compose (`git -C a -C b` is `a/b`)
  const dir = flagValues(g, 'C').reduce<Arg | undefined>((acc, d) => (acc && !d.path.startsWith('/') ? { ...d, path: `${acc.path.replace(/\/+$/, '')}/${d.path}`, glob: acc.glob || d.glob } : d), undefined);
  const icase = hasFlag(g, 'icase-pathspecs');
  const sub = g.operands[0];
  if (!sub) return;
  const name = sub.value;
  const rest = g.rest;
  const p = parseArgs(rest, { withValue: SUB_VALUE[name] ?? [] });
  const afterDashDash = dashDashArgs(rest);
  const noVerify = p.flags.some((f) => f.name === 'no-verify' || (f.name.startsWith('no-veri') && 'no-verify'.startsWith(f.name)));
  switch (name) {
    case 'commit':
      if (noVerify || hasFlag(p, 'n')) inv.out.tamper('`git commit --no-verify` skips the lane\'s commit hooks', inv.text);
      for (const f of flagValues(p, 'F', 'file', 't', 'template', 'pathspec-from-file')) inv.out.read(f, inv.text);
      inv.markWrites();
      return;
    case 'push': case 'merge': case 'am': case 'rebase': case 'cherry-pick': case 'revert': case 'pull':
      if (noVerify) inv.out.tamper(`\`git ${name} --no-verify\` skips the lane's git hooks`, inv.text);
      break;
  }
  if (NETWORK_SUBS.has(name) && !(name === 'archive' && !hasFlag(p, 'remote'))) {
    if (name === 'archive') remoteHost(inv, flagValues(p, 'remote')[0]);
    else remoteHost(inv, p.operands[0]);
  }
  for (const f of p.flags) if (['receive-pack', 'upload-pack', 'exec'].includes(f.name)) inv.out.unanalyzable(`\`git ${name} --${f.name}\` runs a program the analyser cannot see`, inv.text);
  switch (name) {
    case 'clone': {
      const target = p.operands[1] ?? literalArg((p.operands[0]?.value ?? 'repo').replace(/\.git$/, '').split(/[/:]/).pop() ?? 'repo');
      inv.out.tree('file.write', target, inv.text);
      for (const c of flagValues(p, 'c', 'config')) checkConfigPair(inv, c.value);
      return;
    }
    case 'remote':
      if (['add', 'set-url'].includes(p.operands[0]?.value ?? '')) remoteHost(inv, p.operands[p.operands.length - 1]);
      if (['update', 'prune', 'show'].includes(p.operands[0]?.value ?? '') && p.operands[0]?.value !== 'show') remoteHost(inv, undefined);
      if (p.operands[0]?.value !== undefined && p.operands[0].value !== 'show' && p.operands[0].value !== '-v') inv.markWrites();
      return;
    case 'submodule':
      if (p.operands[0]?.value === 'foreach') { inv.script(literalArg(p.operands.slice(1).map((o) => o.value).join(' ')), inv.text); return; }
      if (['add'].includes(p.operands[0]?.value ?? '')) remoteHost(inv, p.operands[1]);
      if (['update', 'sync', 'init'].includes(p.operands[0]?.value ?? '')) remoteHost(inv, undefined);
      inv.markWrites();
      return;
    case 'config':
      return gitConfig(inv, p, dir);
    case 'update-ref': case 'symbolic-ref': case 'commit-tree':
      if (name === 'symbolic-ref' && p.operands.length < 2) return;
      inv.out.tamper(`\`git ${name}\` moves branches without the lane's commit hooks`, inv.text);
      return;
    case 'hook':
      return;
    case 'rebase':
      for (const x of flagValues(p, 'x', 'exec')) inv.script(x, inv.text);
      inv.markWrites();
      return;
    case 'bisect':
      if (p.operands[0]?.value === 'run' && p.operands.length > 1) inv.run(p.operands.slice(1));
      return;
    case 'show': case 'cat-file': case 'blame': case 'log': case 'diff': case 'grep': case 'annotate': case 'difftool':
      revisionPaths(inv, p.operands, dir);
      if (name === 'blame' || name === 'annotate') pathArgs(inv, p.operands.slice(-1), dir, 'file.read', icase);
      pathArgs(inv, afterDashDash, dir, 'file.read', icase);
      for (const x of flagValues(p, 'x', 'extcmd', 'tool')) inv.script(x, inv.text);
      for (const o of flagValues(p, 'output')) inv.out.write(o, inv.text);
      if (name === 'diff' && hasFlag(p, 'no-index')) pathArgs(inv, p.operands, dir, 'file.read');
      return;
    case 'add': case 'stage':
      pathArgs(inv, p.operands, dir, 'file.read', icase);
      inv.markWrites();
      return;
    case 'rm': case 'mv':
      pathArgs(inv, p.operands, dir, 'file.write', icase);
      inv.markWrites();
      return;
    case 'restore':
      // every operand is a path; `--source REV` puts an old version there
      pathArgs(inv, afterDashDash.length > 0 ? afterDashDash : p.operands, dir, 'file.write', icase);
      inv.markWrites();
      return;
    case 'checkout': {
      // `checkout REV PATH…` / `checkout -- PATH…` write PATH; a lone word that looks like a file is one
      const before = afterDashDash.length > 0 ? p.operands.slice(0, p.operands.length - afterDashDash.length) : p.operands;
      const paths = [...afterDashDash, ...(before.length > 1 ? before.slice(1) : before.filter((o) => looksLikeFile(o.value)))];
      pathArgs(inv, paths, dir, 'file.write', icase);
      inv.markWrites();
      return;
    }
    case 'read-tree':
      if (hasFlag(p, 'u')) inv.out.write({ value: '**', path: withDir(dir, '**'), glob: true, dynamic: false }, inv.text, true);
      inv.markWrites();
      return;
    case 'checkout-index':
      if (hasFlag(p, 'a', 'all', 'stdin')) inv.out.write({ value: '**', path: withDir(dir, '**'), glob: true, dynamic: false }, inv.text, true);
      for (const x of flagValues(p, 'prefix')) inv.out.tree('file.write', x, inv.text);
      pathArgs(inv, p.operands, dir, 'file.write', icase);
      inv.markWrites();
      return;
    case 'update-index':
      // `--cacheinfo MODE,SHA,PATH` (or three words) stages content that is not in the work tree
      for (let k = 0; k < rest.length; k++) {
        if (rest[k].value === '--cacheinfo') {
          const v = rest[k + 1]?.value.includes(',') ? rest[k + 1].value.split(',')[2] : rest[k + 3]?.value;
          if (v !== undefined) pathArgs(inv, [literalArg(v)], dir, 'file.write');
        }
        if (rest[k].value.startsWith('--cacheinfo=')) pathArgs(inv, [literalArg(rest[k].value.split(',')[2] ?? '**')], dir, 'file.write');
      }
      if (hasFlag(p, 'index-info', 'stdin')) inv.out.write({ value: '**', path: withDir(dir, '**'), glob: true, dynamic: false }, inv.text, true);
      inv.markWrites();
      return;
    case 'worktree':
      if (['add', 'move', 'remove'].includes(p.operands[0]?.value ?? '')) for (const o of p.operands.slice(1, p.operands[0]?.value === 'move' ? 3 : 2)) inv.out.tree('file.write', o, inv.text);
      inv.markWrites();
      return;
    case 'bundle':
      if (p.operands[0]?.value === 'create' && p.operands[1]) inv.out.write(p.operands[1], inv.text);
      if (p.operands[0]?.value === 'unbundle') inv.markWrites();
      return;
    case 'format-patch':
      for (const o of flagValues(p, 'o', 'output-directory')) inv.out.tree('file.write', o, inv.text);
      if (!hasFlag(p, 'o', 'output-directory', 'stdout')) inv.out.write(literalArg(withDir(dir, '*.patch')), inv.text, true);
      return;
    case 'init':
      if (hasFlag(p, 'template', 'separate-git-dir')) inv.out.tamper('`git init --template` installs hooks the lane did not set', inv.text);
      if (p.operands[0]) inv.out.tree('file.write', p.operands[0], inv.text);
      inv.markWrites();
      return;
    case 'filter-branch': case 'filter-repo': case 'instaweb': case 'send-email': case 'mergetool': case 'daemon': case 'p4': case 'svn': case 'cvsimport': case 'quiltimport':
      inv.out.unanalyzable(`\`git ${name}\` runs commands or reaches hosts the analyser has no table for`, inv.text);
      return;

    case 'clean':
      if (!hasFlag(p, 'n', 'dry-run')) inv.out.write(dir ? { ...dir, path: `${dir.path}/**`, glob: true } : literalArg('**'), inv.text, true);
      return;
    case 'apply': case 'am':
      if (!hasFlag(p, 'check', 'stat', 'numstat', 'summary')) {
        for (const o of p.operands) inv.out.read(o, inv.text);
        inv.out.write(literalArg('**'), inv.text, true);
      }
      return;
    case 'archive':
      for (const o of flagValues(p, 'o', 'output')) inv.out.write(o, inv.text);
      pathArgs(inv, p.operands.slice(1), dir, 'file.read');
      return;
    case 'status': case 'branch': case 'tag': case 'stash': case 'reset': case 'switch': case 'merge': case 'cherry-pick': case 'revert': case 'init': case 'gc': case 'fetch': case 'pull': case 'clone_': case 'notes': case 'lfs':
      if (['stash', 'reset', 'switch', 'merge', 'cherry-pick', 'revert', 'init', 'worktree', 'gc', 'fetch', 'pull', 'notes'].includes(name)) inv.markWrites();
      if ((name === 'branch' || name === 'tag') && p.operands.length > 0) inv.markWrites();
      return;
  }
};

function gitConfig(inv: Invocation, p: ReturnType<typeof parseArgs>, dir: Arg | undefined): void {
  const reading = hasFlag(p, 'l', 'list', 'get', 'get-all', 'get-regexp', 'get-urlmatch', 'get-color', 'get-colorbool', 'show-origin', 'show-scope', 'e', 'edit')
    || ['get', 'list'].includes(p.operands[0]?.value ?? '');
  const ops = ['set', 'unset', 'rename-section', 'remove-section', 'edit'].includes(p.operands[0]?.value ?? '') ? p.operands.slice(1) : p.operands;
  const key = ops[0]?.value ?? '';
  const setting = !reading && (ops.length >= 2 || hasFlag(p, 'unset', 'unset-all', 'add', 'replace-all', 'rename-section', 'remove-section') || p.operands[0]?.value === 'unset');
  if (hasFlag(p, 'e', 'edit') || p.operands[0]?.value === 'edit') inv.out.unanalyzable('`git config --edit` opens an editor on the configuration', inv.text);
  if (!setting) return;
  if (key) checkConfigPair(inv, key, ops[1]?.value);
  const file = flagValues(p, 'f', 'file')[0];
  if (file) inv.out.write(file, inv.text);
  else if (hasFlag(p, 'global')) inv.out.write(literalArg('~/.gitconfig'), inv.text);
  else if (hasFlag(p, 'system')) inv.out.write(literalArg('/etc/gitconfig'), inv.text);
  else inv.out.write(literalArg(dir ? `${dir.path.replace(/\/+$/, '')}/.git/config` : '.git/config'), inv.text);
}

function withDir(dir: Arg | undefined, p: string): string {
  return dir ? `${dir.path.replace(/\/+$/, '')}/${p}` : p;
}

function looksLikeFile(v: string): boolean {
  return v.startsWith('.') || v.startsWith(':') || /[*?[]/.test(v) || /\.[A-Za-z0-9]{1,8}$/.test(v) || v.includes('/') && /\.[^/]+$/.test(v);
}

function dashDashArgs(args: Arg[]): Arg[] {
  const i = args.findIndex((a) => a.value === '--' && !a.dynamic);
  return i === -1 ? [] : args.slice(i + 1);
}
