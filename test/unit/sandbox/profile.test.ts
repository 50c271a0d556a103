import { strict as assert } from 'node:assert';
import { buildProfile, SandboxProfileError, type FsProbe } from '../../../src/core/sandbox/profile';
import { sandboxDecision } from '../../../src/core/sandbox/mode';
import { bwrapArgv, relayScript } from '../../../src/core/sandbox/bwrap';
import { HOME, ROOT, EXAMPLE_POLICY, policy } from '../policy/builders';
import type { CompiledPolicy } from '../../../src/core/policy/compile';

/** A file system made of a list of paths (directories end with `/`), with hard links by inode. */
function fakeFs(entries: string[], inodes: Record<string, number> = {}): FsProbe {
  const dirs = new Set(entries.filter((e) => e.endsWith('/')).map((e) => e.slice(0, -1)));
  const files = new Set(entries.filter((e) => !e.endsWith('/')));
  const globRe = (g: string): RegExp => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*')}$`);
  return {
    kind: (p) => (dirs.has(p) ? 'dir' : files.has(p) ? 'file' : undefined),
    expand: (g) => [...dirs, ...files].filter((p) => globRe(g).test(p)),
    links: (p) => Object.values(inodes).filter((i) => i === inodes[p]).length || 1,
    sameInode: (_root, p) => Object.keys(inodes).filter((o) => o !== p && inodes[o] === inodes[p]),
  };
}

const AGENT_HOME = '/tmp/box/home';
const SCRATCH = '/tmp/box/tmp';
const BASE_FS = [
  `${ROOT}/`, `${ROOT}/src/`, `${ROOT}/test/`, `${ROOT}/docs/`, `${ROOT}/.git/`, `${ROOT}/.git/hooks/`, `${ROOT}/.git/config`,
  `${ROOT}/.agentlane/`, `${ROOT}/.agentlane/policy.yaml`, `${ROOT}/.env`, `${ROOT}/config/.env.local`, `${ROOT}/secrets/`,
  `${ROOT}/secrets/key`, `${ROOT}/.github/`, `${ROOT}/.github/workflows/`, `${ROOT}/src/a.ts`, `${AGENT_HOME}/`, `${SCRATCH}/`,
  '/var/lib/agentlane/traces/',
];

function profile(p: CompiledPolicy, fs: FsProbe = fakeFs(BASE_FS)) {
  return buildProfile({
    policy: p, workspaceRoot: ROOT, home: HOME, agentHome: AGENT_HOME, scratch: SCRATCH,
    laneDirs: ['/var/lib/agentlane/traces', '/nonexistent/ledger'], fs,
  });
}

const paths = (list: Array<{ path: string }>): string[] => list.map((x) => x.path).sort();

describe('sandbox profile: from the policy to what the kernel enforces', () => {
  it('writes are scoped to the fixed directories of paths.write, plus git, HOME and scratch', () => {
    const pr = profile(policy(EXAMPLE_POLICY));
    assert.deepEqual(paths(pr.writable), [`${ROOT}/.git`, `${ROOT}/.github/workflows`, `${ROOT}/src`, `${ROOT}/test`, SCRATCH, AGENT_HOME].sort());
  });

  it('a mission narrows the write scope: only what every layer allows stays writable', () => {
    const pr = profile(policy(EXAMPLE_POLICY, ['version: 1\npaths:\n  write: ["src/api/**", "docs/**"]\n', 'mission']));
    const w = paths(pr.writable);
    assert.ok(w.includes(`${ROOT}/src/api`), w.join(','));
    assert.ok(!w.includes(`${ROOT}/src`) && !w.includes(`${ROOT}/docs`) && !w.includes(`${ROOT}/test`), w.join(','));
    assert.deepEqual(pr.create, [`${ROOT}/src/api`], 'a write scope that does not exist yet is created so the agent can write there');
  });

  it('coach mode leaves the workspace read-only', () => {
    const pr = profile(policy('version: 1\nmode: coach\n'));
    assert.deepEqual(paths(pr.writable), [SCRATCH, AGENT_HOME].sort());
    assert.ok(pr.notes.some((n) => /coach/.test(n)));
  });

  it('a glob with no fixed directory is said to be looser in the box than in the policy', () => {
    const pr = profile(policy('version: 1\npaths:\n  write: ["**/*.md"]\n'));
    assert.ok(paths(pr.writable).includes(ROOT));
    assert.ok(pr.notes.some((n) => n.includes('`**/*.md`') && n.includes('no fixed directory')), pr.notes.join('\n'));
  });

  it('denied files are masked wherever they are, denied directories as a whole', () => {
    const pr = profile(policy(EXAMPLE_POLICY));
    const m = new Map(pr.masked.map((x) => [x.path, x]));
    assert.ok(m.has(`${ROOT}/.env`));
    assert.ok(m.has(`${ROOT}/config/.env.local`));
    assert.equal(m.get(`${ROOT}/secrets`)?.dir, true, 'secrets/** masks the directory, so files created later are hidden too');
    assert.match(m.get(`${ROOT}/.env`)!.why, /paths\.deny\[0\].*\*\*\/\.env\*/);
  });

  it('a hard link made before the session to a denied file is masked too', () => {
    const fs = fakeFs([...BASE_FS, `${ROOT}/src/notes.txt`], { [`${ROOT}/.env`]: 7, [`${ROOT}/src/notes.txt`]: 7 });
    const pr = profile(policy(EXAMPLE_POLICY), fs);
    const link = pr.masked.find((x) => x.path === `${ROOT}/src/notes.txt`);
    assert.ok(link, paths(pr.masked).join(','));
    assert.match(link.why, /hard link to .*\.env/);
  });

  it('a deny glob too wide to enumerate refuses the profile with what to change', () => {
    const fs: FsProbe = { ...fakeFs(BASE_FS), expand: () => undefined };
    assert.throws(() => profile(policy(EXAMPLE_POLICY), fs), (e: unknown) => e instanceof SandboxProfileError && /too many to enumerate/.test(e.message));
  });

  it('the agent\'s own rules stay read-only, and missing settings files get read-only placeholders', () => {
    const pr = profile(policy('version: 1\n'));
    const ro = paths(pr.readOnly);
    for (const p of [`${ROOT}/.agentlane`, `${ROOT}/.git/hooks`, `${ROOT}/.git/config`]) assert.ok(ro.includes(p), `${p} not read-only: ${ro.join(',')}`);
    const ph = new Map(pr.placeholders.map((x) => [x.path, x]));
    assert.equal(ph.get(`${ROOT}/.mcp.json`)?.content, '{"mcpServers":{}}');
    assert.equal(ph.get(`${ROOT}/.claude/settings.json`)?.content, '{}');
    assert.ok(ph.has(`${AGENT_HOME}/.claude/settings.json`), 'the private HOME\'s agent settings are held too');
  });

  it('placeholders are only needed where the agent could create the file', () => {
    const pr = profile(policy(EXAMPLE_POLICY));
    assert.ok(!pr.placeholders.some((x) => x.path === `${ROOT}/.mcp.json`), 'the root is not writable under src/** + test/**');
  });

  it('the lane\'s own directories are hidden, when they exist', () => {
    const pr = profile(policy(EXAMPLE_POLICY));
    assert.deepEqual(paths(pr.hidden), ['/var/lib/agentlane/traces']);
  });

  it('limits come from the tightest layer, or sensible defaults', () => {
    assert.deepEqual(
      { p: profile(policy('version: 1\n')).limits.processes, m: profile(policy('version: 1\n')).limits.memoryMb },
      { p: 512, m: 8192 },
    );
    const pr = profile(policy('version: 1\nlimits: { processes: 100, memoryMb: 2048 }\n', ['version: 1\nlimits: { processes: 64 }\n', 'mission']));
    assert.equal(pr.limits.processes, 64);
    assert.match(pr.limits.processesWhy, /mission limits\.processes/);
    assert.equal(pr.limits.memoryMb, 2048);
  });
});

describe('sandbox mode: on by default, off only when said, never off when required', () => {
  it('defaults to on', () => {
    assert.equal(sandboxDecision(policy('version: 1\n')).mode, 'on');
  });
  it('off is taken with the rule that said it', () => {
    const d = sandboxDecision(policy('version: 1\nsandbox: off\n'));
    assert.equal(d.mode, 'off');
    assert.match(d.mode === 'off' ? d.reason : '', /workspace policy \(\.agentlane\/policy\.yaml:2\)/);
  });
  it('a managed `required` refuses a workspace `off`', () => {
    const d = sandboxDecision(policy(['version: 1\nsandbox: required\n', 'managed'], 'version: 1\nsandbox: off\n'));
    assert.equal(d.mode, 'refused');
    assert.match(d.mode === 'refused' ? d.reason : '', /requires the sandbox: remove `sandbox: off`/);
  });
});

describe('bubblewrap argv', () => {
  const pr = profile(policy(EXAMPLE_POLICY));
  const argv = bwrapArgv({
    bwrap: '/usr/bin/bwrap', relay: { kind: 'socat', socat: '/usr/bin/socat' }, profile: pr, boxDir: '/tmp/box/lane', placeholderSources: new Map(),
    endpoints: [{ name: 'broker', socket: '/tmp/box/lane/broker.sock', port: 47011 }], cwd: ROOT, command: ['claude', '-p', 'hi'], newSession: true,
  });
  const joined = argv.join(' ');
  const at = (s: string): number => joined.indexOf(s);

  it('isolates user, PID and network, and dies with the lane', () => {
    for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', '--new-session']) assert.ok(argv.includes(flag), flag);
  });
  it('mounts in an order where the narrower rule wins', () => {
    assert.ok(at('--ro-bind / /') < at(`--bind ${ROOT}/src ${ROOT}/src`));
    assert.ok(at(`--bind ${ROOT}/.git ${ROOT}/.git`) < at(`--ro-bind ${ROOT}/.git/config ${ROOT}/.git/config`));
    assert.ok(at(`--ro-bind /dev/null ${ROOT}/.env`) > at(`--bind ${ROOT}/src`));
    assert.ok(at(`--tmpfs ${ROOT}/secrets --remount-ro ${ROOT}/secrets`) > 0);
    assert.ok(at('--ro-bind /tmp/box/lane /tmp/box/lane') > at('--tmpfs /var/lib/agentlane/traces'));
  });
  it('relays every endpoint from one Node process when a runtime is at hand', () => {
    const script = relayScript({ kind: 'node', node: '/usr/bin/node', script: '/b/relay.js' }, [
      { name: 'broker', socket: '/b/broker.sock', port: 47011 }, { name: 'model', socket: '/b/model.sock', port: 47012 },
    ]);
    assert.equal(script.split('\n').filter((l) => l.includes('relay.js')).length, 1);
    assert.match(script, /"port":47011,"socket":"\/b\/broker\.sock"/);
  });
  it('ends with the relay launcher and the agent command, untouched', () => {
    assert.deepEqual(argv.slice(-3), ['claude', '-p', 'hi']);
    assert.match(relayScript({ kind: 'socat', socat: '/usr/bin/socat' }, [{ name: 'broker', socket: '/s', port: 47011 }]), /TCP4-LISTEN:47011,bind=127\.0\.0\.1.*UNIX-CONNECT:'\/s'[\s\S]*:B7A3 [\s\S]*exec "\$@"/);
  });
});
