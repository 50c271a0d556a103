import * as assert from 'assert';
import { hostPort, scpHost, urlHost } from '../../../src/core/shell/urlHost';

describe('urlHost', () => {
  const cases: Array<[string, { host: string; port?: number } | null]> = [
    ['https://github.com/org/repo', { host: 'github.com' }],
    ['http://evil.com@good.com/', { host: 'good.com' }],
    ['http://good.com@evil.com', { host: 'evil.com' }],
    ['http://user:pw@good.com:8080/x', { host: 'good.com', port: 8080 }],
    ['https://good.com.evil.com/', { host: 'good.com.evil.com' }],
    ['https://GitHub.COM./x', { host: 'github.com' }],
    ['http://127.0.0.1:3000', { host: '127.0.0.1', port: 3000 }],
    ['http://[::1]:8080/', { host: '::1', port: 8080 }],
    ['http://2130706433/', { host: '2130706433' }],
    ['http://0x7f000001/', { host: '0x7f000001' }],
    ['evil.com:8443', { host: 'evil.com', port: 8443 }],
    ['evil.com/path?q=1', { host: 'evil.com' }],
    ['http://good.com/@evil.com', { host: 'good.com' }],
    ['http://evil.com\\@good.com/', { host: 'evil.com' }],
    ['http://%65vil.com/', { host: 'evil.com' }],
    ['file:///etc/passwd', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`\`${input}\` → ${expected ? expected.host : 'none'}`, () => {
      assert.deepStrictEqual(urlHost(input), expected);
    });
  }

  it('splits host and port, brackets optional for IPv6', () => {
    assert.deepStrictEqual(hostPort('[2001:db8::1]:443'), { host: '2001:db8::1', port: 443 });
    assert.deepStrictEqual(hostPort('2001:db8::1'), { host: '2001:db8::1' });
    assert.deepStrictEqual(hostPort('Example.org'), { host: 'example.org' });
  });

  it('reads scp-style remotes and leaves local paths alone', () => {
    assert.deepStrictEqual(scpHost('git@GitHub.com:org/repo.git'), { host: 'github.com' });
    assert.deepStrictEqual(scpHost('evil.com:/tmp/'), { host: 'evil.com' });
    assert.strictEqual(scpHost('./a:b'), null);
    assert.strictEqual(scpHost('plain/path'), null);
  });
});
