/**
 * Package managers: installing or publishing reaches the registry (and writes node_modules,
 * site-packages … which we flag with `writes` rather than listing). `npx pkg` fetches and runs.
 */
import { urlHost, urlHosts, type HostPort } from '../urlHost';
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs } from './args';
import type { Handler, Invocation } from './types';
import { unknownProgram } from './unknown';

const NPM_REGISTRY: HostPort = { host: 'registry.npmjs.org' };
const PYPI: HostPort[] = [{ host: 'pypi.org' }, { host: 'files.pythonhosted.org' }];

const NPM_NET = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'install-clean', 'isntall-clean', 'install-test', 'it', 'install-ci-test', 'cit', 'update', 'up', 'upgrade', 'udpate', 'publish', 'unpublish', 'deprecate', 'dist-tag', 'view', 'v', 'info', 'show', 'outdated', 'audit', 'login', 'logout', 'adduser', 'whoami', 'owner', 'access', 'team', 'token', 'search', 's', 'se', 'find', 'dlx', 'create', 'init', 'exec', 'x', 'fetch', 'import', 'dedupe', 'ddp', 'doctor', 'ping', 'star', 'unstar', 'stars', 'org', 'hook', 'profile', 'sbom']);
const NPM_WRITES = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isntall', 'add', 'ci', 'clean-install', 'install-clean', 'update', 'up', 'upgrade', 'uninstall', 'remove', 'rm', 'r', 'un', 'unlink', 'link', 'ln', 'prune', 'dedupe', 'rebuild', 'version', 'pack', 'init', 'create', 'import', 'set-script', 'pkg', 'patch', 'install-test', 'it', 'cit', 'install-ci-test']);
/** Subcommands that run a command given on the command line. */
const NPM_EXEC = new Set(['exec', 'x', 'dlx']);

function registryHosts(inv: Invocation, flags: ReturnType<typeof parseArgs>['flags'], fallback: HostPort[]): void {
  const explicit = flags.filter((f) => ['registry', 'index-url', 'i', 'extra-index-url', 'find-links', 'f', 'index'].includes(f.name) && f.value);
  const hosts = explicit.length > 0 && !explicit.every((f) => f.name === 'extra-index-url' || f.name === 'find-links') ? [] : fallback;
  for (const h of hosts) inv.out.net(h, inv.text);
  for (const f of explicit) {
    const hps = f.value && !f.value.dynamic ? urlHosts(f.value.value) : [{ host: `(${f.value?.value ?? 'registry'})` }];
    for (const hp of hps) inv.out.net(hp, inv.text, f.value?.value);
  }
  // scoped registries (`--@acme:registry=URL`), proxies, and config files that can name any registry
  for (const f of flags) {
    if (!f.value || explicit.includes(f)) continue;
    if (/registry$|proxy$|^index$/.test(f.name)) {
      for (const hp of f.value.dynamic ? [{ host: `(${f.value.value})` }] : urlHosts(f.value.value)) inv.out.net(hp, inv.text, f.value.value);
    } else if (['userconfig', 'globalconfig', 'config-file', 'config'].includes(f.name)) {
      inv.out.net({ host: `(registries from \`${f.value.value}\`)` }, inv.text);
    }
  }
}

/** Package specs that are URLs or git remotes fetch from their own host. */
function specHosts(inv: Invocation, specs: Arg[]): void {
  for (const s of specs) {
    const v = s.value.replace(/^git\+/, '');
    const direct = /^[\w.[\],-]+\s*@\s*(\S+:\/\/.*)$/.exec(v); // PEP 508 `pkg @ https://…`
    if (direct) { for (const hp of urlHosts(direct[1].replace(/^git\+/, ''))) inv.out.net(hp, inv.text, s.value); continue; }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) { for (const hp of urlHosts(v)) inv.out.net(hp, inv.text, s.value); }
    else if (/^(github:|[\w.-]+\/[\w.-]+(#.*)?$)/.test(v) && !v.startsWith('@') && !v.startsWith('.')) inv.out.net({ host: 'github.com' }, inv.text);
    else if (/^(gitlab:)/.test(v)) inv.out.net({ host: 'gitlab.com' }, inv.text);
    else if (/^(bitbucket:)/.test(v)) inv.out.net({ host: 'bitbucket.org' }, inv.text);
    else if (/^(\.{0,2}\/|file:)/.test(v)) inv.out.read({ ...s, value: v.replace(/^file:/, ''), path: s.path.replace(/^file:/, '') }, inv.text);
    else if (/^[\w.-]+@[\w.-]+:/.test(v)) { const host = v.split('@')[1].split(':')[0]; inv.out.net({ host: host.toLowerCase() }, inv.text); }
  }
}

const NPM_VALUE = ['proxy', 'https-proxy', 'noproxy', 'registry', 'prefix', 'C', 'w', 'workspace', 'cache', 'userconfig', 'globalconfig', 'tag', 'otp', 'access', 'loglevel', 'scope', 'omit', 'include', 'before', 'package', 'p', 'c', 'call', 'filter', 'F', 'dir', 'cwd', 'reporter'];

function npmLike(defaultSub: string | undefined): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: NPM_VALUE, stopAtOperand: true });
    const sub = p.operands[0]?.value ?? defaultSub;
    if (sub === undefined) return;
    const rest = p.operands.length > 0 ? p.rest : [];
    if (hasFlag(p, 'userconfig', 'globalconfig')) for (const f of flagValues(p, 'userconfig', 'globalconfig')) inv.out.read(f, inv.text);
    const q = parseArgs(rest, { withValue: NPM_VALUE });
    const allFlags = [...p.flags, ...q.flags];
    if (NPM_NET.has(sub)) {
      registryHosts(inv, allFlags, [NPM_REGISTRY]);
      specHosts(inv, q.operands);
    }
    if (NPM_WRITES.has(sub)) inv.markWrites();
    // `npm run script -- ARGS`, `npm test -- ARGS`: the arguments go to a workspace script without a table
    if (['run', 'run-script', 'test', 't', 'start', 'stop', 'restart'].includes(sub) || (inv.name !== 'npm' && !NPM_NET.has(sub) && !NPM_WRITES.has(sub))) {
      const dd = rest.findIndex((a) => a.value === '--' && !a.dynamic);
      unknownProgram(inv, dd === -1 ? (inv.name === 'npm' ? [] : q.operands.slice(sub === 'run' ? 1 : 0)) : rest.slice(dd + 1));
    }
    if (sub === 'config' && ['set', 'delete', 'edit'].includes(q.operands[0]?.value ?? '')) inv.out.write(literalArg(hasFlag(p, 'location') ? '.npmrc' : '~/.npmrc'), inv.text);
    if (NPM_EXEC.has(sub)) {
      const pkgs = flagValues(q, 'package', 'p');
      const calls = flagValues(q, 'c', 'call');
      for (const c of calls) inv.script(c, inv.text);
      if (calls.length === 0) {
        const args = rest.filter((a, k) => a.value !== '--' || k > 0);
        const cmd = parseArgs(args, { withValue: NPM_VALUE, stopAtOperand: true });
        if (cmd.operands[0]) inv.run([cmd.operands[0], ...cmd.rest]);
      }
      specHosts(inv, pkgs);
    }
  };
}

/** `npx [--yes] pkg args` – fetches `pkg` unless installed, then runs it. */
const npx: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['p', 'package', 'c', 'call', 'registry', 'cache', 'userconfig'], stopAtOperand: true });
  registryHosts(inv, p.flags, [NPM_REGISTRY]);
  specHosts(inv, flagValues(p, 'p', 'package'));
  for (const c of flagValues(p, 'c', 'call')) inv.script(c, inv.text);
  if (p.operands[0]) {
    specHosts(inv, [p.operands[0]]);
    inv.run([{ ...p.operands[0], value: p.operands[0].value.replace(/^(@[^/]+\/)?([^@]+)@.*$/, '$1$2') }, ...p.rest]);
  }
};

const PIP_NET = new Set(['install', 'download', 'wheel', 'index', 'search']);
const pip: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['r', 'requirement', 'c', 'constraint', 'i', 'index-url', 'extra-index-url', 'f', 'find-links', 't', 'target', 'd', 'dest', 'e', 'editable', 'proxy', 'cert', 'client-cert', 'log', 'python', 'prefix', 'root', 'src', 'trusted-host', 'platform', 'python-version', 'implementation', 'abi', 'only-binary', 'no-binary', 'progress-bar', 'timeout', 'retries', 'cache-dir', 'report', 'config-settings', 'C', 'global-option', 'upgrade-strategy'] });
  const sub = p.operands[0]?.value;
  if (!sub) return;
  if (sub === 'config' && ['set', 'unset', 'edit'].includes(p.operands[1]?.value ?? '')) {
    // pip's configuration names its index: where later installs go
    inv.out.write(literalArg(hasFlag(p, 'site') ? '.venv/pip.conf' : '~/.config/pip/pip.conf'), inv.text);
    if (p.operands[3]) for (const hp of urlHosts(p.operands[3].value)) inv.out.net(hp, inv.text, p.operands[3].value);
  }
  if (PIP_NET.has(sub)) {
    registryHosts(inv, p.flags, PYPI);
    specHosts(inv, p.operands.slice(1));
    for (const f of p.flags) if (f.name === 'proxy' && f.value) { const hp = urlHost(f.value.value); if (hp) inv.out.net(hp, inv.text); }
  }
  for (const f of flagValues(p, 'r', 'requirement', 'c', 'constraint')) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(f.value)) { for (const hp of urlHosts(f.value)) inv.out.net(hp, inv.text, f.value); }
    else inv.out.read(f, inv.text);
  }
  for (const f of flagValues(p, 'e', 'editable')) specHosts(inv, [f]);
  for (const f of flagValues(p, 't', 'target', 'd', 'dest')) inv.out.tree('file.write', f, inv.text);
  if (['install', 'uninstall', 'download', 'wheel'].includes(sub)) inv.markWrites();
};

/** `uv pip install`, `uv add`, `uvx pkg`, `pipx run pkg`. */
const uv: Handler = (inv) => {
  const [sub, ...rest] = inv.args;
  if (!sub) return;
  if (sub.value === 'pip') return pip({ ...inv, args: rest });
  if (['add', 'sync', 'lock', 'install', 'tool', 'run', 'venv', 'remove', 'upgrade'].includes(sub.value)) {
    if (sub.value !== 'venv') { for (const h of PYPI) inv.out.net(h, inv.text); }
    inv.markWrites();
  }
};

const uvx: Handler = (inv) => {
  for (const h of PYPI) inv.out.net(h, inv.text);
  const p = parseArgs(inv.args, { withValue: ['from', 'with', 'python', 'index-url', 'spec'], stopAtOperand: true });
  if (p.operands[0]) inv.run([p.operands[0], ...p.rest]);
};

/** Other ecosystems: their default registries (unlisted in most policies, hence denied). */
function ecosystem(nets: Record<string, string[]>): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { stopAtOperand: true });
    const sub = p.operands[0]?.value ?? '';
    if (sub === 'run' || sub === 'exec') {
      // `go run PKG ARGS`, `cargo run -- ARGS`: ARGS go to a workspace program without a table
      const dd = p.rest.findIndex((a) => a.value === '--' && !a.dynamic);
      const args = dd !== -1 ? p.rest.slice(dd + 1) : inv.name === 'go' ? parseArgs(p.rest).operands.slice(1) : [];
      unknownProgram(inv, args);
    }
    const hosts = nets[sub];
    if (!hosts) return;
    for (const h of hosts) inv.out.net({ host: h }, inv.text);
    inv.markWrites();
  };
}

export const PACKAGES: Array<[string[], Handler]> = [
  [['npm'], npmLike(undefined)],
  [['pnpm'], npmLike(undefined)],
  [['yarn'], npmLike('install')],
  [['npx', 'pnpx', 'bunx'], npx],
  [['pip', 'pip3', 'pip2'], pip],
  [['uv'], uv],
  [['uvx', 'pipx'], uvx],
  [['cargo'], ecosystem({ install: ['crates.io', 'static.crates.io'], add: ['crates.io', 'static.crates.io'], fetch: ['crates.io', 'static.crates.io'], update: ['crates.io', 'static.crates.io'], publish: ['crates.io'] })],
  [['go'], ecosystem({ get: ['proxy.golang.org'], install: ['proxy.golang.org'], mod: ['proxy.golang.org'] })],
  [['gem'], ecosystem({ install: ['rubygems.org'], update: ['rubygems.org'], push: ['rubygems.org'] })],
  [['brew'], ecosystem({ install: ['formulae.brew.sh', 'ghcr.io'], upgrade: ['formulae.brew.sh', 'ghcr.io'], update: ['github.com'] })],
  [['apt', 'apt-get'], ecosystem({ install: ['(apt mirror)'], update: ['(apt mirror)'], upgrade: ['(apt mirror)'] })],
  [['docker', 'podman'], ecosystem({ pull: ['registry-1.docker.io'], push: ['registry-1.docker.io'], login: ['registry-1.docker.io'], build: ['registry-1.docker.io'], run: ['(container)'] })],
];
