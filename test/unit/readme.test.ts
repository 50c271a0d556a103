import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { actionStep, readmeWorkflowStep } from '../support/ciGate';

const root = path.join(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };

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
  it('CI gate snippet runs the same shell, with the same variables, as action.yml', () => {
    const fromReadme = readmeWorkflowStep();
    const fromAction = actionStep();
    assert.equal(fromReadme.run, fromAction.run);
    assert.deepEqual(Object.keys(fromReadme.env).sort(), Object.keys(fromAction.env).sort());
    assert.equal(fromReadme.env.AGENTLANE_PACKAGE, `${pkg.name}@${pkg.version}`);
    assert.match(readFileSync(path.join(root, 'action.yml'), 'utf8'), new RegExp(`default: ${pkg.name}@${pkg.version.replace(/\./g, '\\.')}\n`));
  });
  it('CI gate snippet fetches the whole history, sets up Node and pins the base branch policy', () => {
    const readmeBlock = /### The CI gate\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    assert.match(readmeBlock, /fetch-depth: 0/);
    assert.match(readmeBlock, /actions\/setup-node/);
    assert.match(actionStep().run, /--policy "\$RUNNER_TEMP\/agentlane-base-policy\.yaml"/);
  });
});
