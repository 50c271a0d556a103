import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GITHUB_ACTIONS_SNIPPET } from '../../src/cli/checkCommits';

const root = path.join(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('quick start is two lines, and both commands exist', () => {
    const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.trim().split('\n');
    assert.deepEqual(lines, ['npm ci && npm run demo', 'npm test']);
    assert.ok(pkg.scripts.demo && pkg.scripts.test);
  });
  it('.ci/run calls the README test command', () => {
    assert.match(readFileSync(path.join(root, '.ci/run'), 'utf8'), /^npm test$/m);
  });
  it('carries the GitHub Actions snippet exactly as check-commits ships it', () => {
    assert.ok(readme.includes(GITHUB_ACTIONS_SNIPPET), 'README snippet differs from GITHUB_ACTIONS_SNIPPET');
  });
});
