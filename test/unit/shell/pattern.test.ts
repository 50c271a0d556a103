import * as assert from 'assert';
import { compileShellPattern } from '../../../src/core/shell';

function matches(pattern: string, command: string): boolean {
  return compileShellPattern(pattern)(command.split(' '));
}

describe('compileShellPattern', () => {
  const cases: Array<[string, string, boolean]> = [
    ['rm -rf *', 'rm -rf x', true],
    ['rm -rf *', 'rm -fr /', true],
    ['rm -rf *', 'rm -r -f x', true],
    ['rm -rf *', 'rm --recursive --force x', true],
    ['rm -rf *', 'rm -Rf x', true],
    ['rm -rf *', '/bin/rm -rf x', true],
    ['rm -rf *', 'rm -r x', false],
    ['rm -rf *', 'rm -rf', true],
    ['rm -rf /*', 'rm -rf /', true],
    ['rm -rf /*', 'rm -fr /usr/lib', true],
    ['rm -rf /*', 'rm -rf src', false],
    ['git push*', 'git push', true],
    ['git push*', 'git push origin main', true],
    ['git push*', 'git -C . push origin', true],
    ['git push*', 'git -c user.name=x push', true],
    ['git push*', 'git --no-pager push', true],
    ['git push*', 'git pull', false],
    ['git push*', 'git log push', false],
    ['sudo *', 'sudo ls', true],
    ['sudo *', 'sudo', true],
    ['sudo *', 'sudoedit x', false],
    ['npm test', 'npm test', true],
    ['npm test', 'npm test --silent', true],
    ['npm test', 'npm test foo', false],
    ['npm test', 'npm run test', false],
    ['git commit*', 'git commit -m x', true],
    ['git commit*', 'git commit -nm x', true],
    ['mkfs*', 'mkfs.ext4 /dev/sdb', true],
    ['ls', 'ls', true],
    ['ls', 'ls -la', false],
    ['git push --force*', 'git push -f origin', true],
    ['git push --force*', 'git push --force-with-lease', true],
    ['git push --force*', 'git push origin', false],
    ['* --help', 'anything --help', true],
    ['chmod 777 *', 'chmod 777 x', true],
    ['chmod 777 *', 'chmod -R 777 x', true],
    ['chmod 777 *', 'chmod 755 x', false],
  ];
  for (const [pattern, command, expected] of cases) {
    it(`\`${pattern}\` ${expected ? 'matches' : 'does not match'} \`${command}\``, () => {
      assert.strictEqual(matches(pattern, command), expected);
    });
  }

  it('never matches an empty argv or an empty pattern', () => {
    assert.strictEqual(compileShellPattern('sudo *')([]), false);
    assert.strictEqual(compileShellPattern('  ')(['ls']), false);
  });
});
