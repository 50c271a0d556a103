/**
 * git: the lane's own controls live in git (hooks path, config), so git is read closely.
 * Self-tamper: `--no-verify`/`-n` on commit (and `--no-verify` on push/merge/am…), `-c` or
 * `git config` setting `core.hooksPath` or `include.*`, `--git-dir`, `update-ref`.
 */
import { scpHost, urlHost } from '../urlHost';
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs } from './args';
import { GIT_GLOBAL_WITH_VALUE } from './gitOptions';
import type { Handler, Invocation } from './types';

const TAMPER_KEYS = /^(core\.hookspath|include\.path|includeif\..*)$/i;
/** Keys whose value git runs as a program. */
const COMMAND_KEYS = /^(core\.(fsmonitor|sshcommand|pager|editor|askpass|gitproxy)|alias\..*|sequence\.editor|diff\..*\.(command|textconv)|diff\.external|merge\..*\.driver|filter\..*|credential\..*helper|credential\.helper|gpg\..*program|gpg\.program|uploadpack\.packobjectshook|pager\..*|interactive\.difffilter|remote\..*\.(uploadpack|receivepack)|protocol\..*\.allow)$/i;

const NETWORK_SUBS = new Set(['push', 'fetch', 'pull', 'clone', 'ls-remote', 'send-pack', 'fetch-pack', 'archive']);

function checkConfigPair(inv: Invocation, pair: string): void {
  const key = pair.split('=')[0].trim();
  if (TAMPER_KEYS.test(key)) inv.out.tamper(`git config \`${key}\` would bypass the lane's git hooks`, inv.text);
  else if (COMMAND_KEYS.test(key)) inv.out.unanalyzable(`git config \`${key}\` makes git run a command the analyser cannot see`, inv.text);
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
  const hp = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? urlHost(v) : scpHost(v);
  inv.out.net(hp ?? { host: '(git remote)' }, inv.text, hp ? v : undefined);
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
};

function pathArgs(inv: Invocation, args: Arg[], dir: Arg | undefined, kind: 'file.read' | 'file.write'): void {
  for (const a of args) {
    if (a.value.startsWith(':')) continue; // pathspec magic such as `:/` – whole tree, nothing denied read
    const target = dir && !a.path.startsWith('/') ? { ...a, path: `${dir.path.replace(/\/+$/, '')}/${a.path}` } : a;
    if (kind === 'file.read') inv.out.read(target, inv.text);
    else inv.out.write(target, inv.text);
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
  const dir = flagValues(g, 'C')[0];
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
    case 'show': case 'cat-file': case 'blame': case 'log': case 'diff': case 'grep': case 'annotate':
      for (const o of p.operands) {
        const m = /^[^:]*:(.+)$/.exec(o.value);
        if (m && !/^[a-z]+:\/\//.test(o.value)) inv.out.read({ ...o, value: m[1], path: m[1] }, inv.text);
      }
      if (name === 'blame' || name === 'annotate') pathArgs(inv, p.operands.slice(-1), dir, 'file.read');
      pathArgs(inv, afterDashDash, dir, 'file.read');
      for (const o of flagValues(p, 'output')) inv.out.write(o, inv.text);
      if (name === 'diff' && hasFlag(p, 'no-index')) pathArgs(inv, p.operands, dir, 'file.read');
      return;
    case 'add': case 'stage':
      pathArgs(inv, p.operands, dir, 'file.read');
      inv.markWrites();
      return;
    case 'rm': case 'mv': case 'checkout': case 'restore':
      pathArgs(inv, name === 'checkout' || name === 'restore' ? afterDashDash : p.operands, dir, 'file.write');
      inv.markWrites();
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
    case 'status': case 'branch': case 'tag': case 'stash': case 'reset': case 'switch': case 'merge': case 'cherry-pick': case 'revert': case 'init': case 'worktree': case 'gc': case 'fetch': case 'pull': case 'clone_': case 'notes': case 'lfs':
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
  if (key) checkConfigPair(inv, key);
  const file = flagValues(p, 'f', 'file')[0];
  if (file) inv.out.write(file, inv.text);
  else if (hasFlag(p, 'global')) inv.out.write(literalArg('~/.gitconfig'), inv.text);
  else if (hasFlag(p, 'system')) inv.out.write(literalArg('/etc/gitconfig'), inv.text);
  else inv.out.write(literalArg(dir ? `${dir.path.replace(/\/+$/, '')}/.git/config` : '.git/config'), inv.text);
}

function dashDashArgs(args: Arg[]): Arg[] {
  const i = args.findIndex((a) => a.value === '--' && !a.dynamic);
  return i === -1 ? [] : args.slice(i + 1);
}
