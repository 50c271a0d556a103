import { strict as assert } from 'node:assert';
import { pathClassifier } from '../../../src/core/policy/pathClassifier';
import { decorationFor, writtenFiles } from '../../../src/vscode/decorationModel';
import { EXAMPLE_POLICY, policy } from '../policy/builders';

describe('Explorer decorations (what each path shows)', () => {
  const classifier = pathClassifier(policy(EXAMPLE_POLICY, ['version: 1\nmode: build\npaths:\n  write: ["src/**"]\n', 'mission']));

  it('paints a denied file in the deny colour with a badge and the rule that denies it', () => {
    const d = decorationFor('.env', classifier);
    assert.equal(d?.color, 'agentLane.deniedForeground');
    assert.equal(d?.badge, '⊘');
    assert.match(d?.tooltip ?? '', /^Denied to the agent — workspace paths\.deny\[0\] `\*\*\/\.env\*` \(policy\.yaml:4\)$/);
  });

  it('says a folder holds protected paths when the folder itself is not protected', () => {
    const d = decorationFor('.github', classifier);
    assert.equal(d?.color, 'agentLane.protectedForeground');
    assert.equal(d?.badge, '•');
    assert.match(d?.tooltip ?? '', /^Contains protected paths.*`\.github\/workflows\/\*\*`/);
    assert.equal(decorationFor('.github/workflows', classifier)?.badge, '◆');
  });

  it("keeps the path's own class first and adds the agent's change to its tooltip", () => {
    const d = decorationFor('secrets/key.txt', classifier, 'Write at 10:42:00');
    assert.equal(d?.badge, '⊘');
    assert.match(d?.tooltip ?? '', /\nChanged by the agent in this session \(Write at 10:42:00\)$/);
    assert.deepEqual(decorationFor('src/app.ts', classifier, 'Edit at 10:43:00'), {
      badge: 'A', tooltip: 'Changed by the agent in this session (Edit at 10:43:00)', color: 'agentLane.agentChangedForeground',
    });
    assert.equal(decorationFor('src/app.ts', classifier), undefined);
  });

  it('badges the files a write changed from the decision paths, not from its display text', () => {
    assert.deepEqual(writtenFiles({ tool: 'Write', paths: ['src/a, b.ts'] }, '/w'), ['/w/src/a, b.ts']);
    assert.deepEqual(writtenFiles({ tool: 'MultiEdit', paths: ['src/x.ts', '/elsewhere/y.ts'] }, '/w'), ['/w/src/x.ts', '/elsewhere/y.ts']);
    assert.deepEqual(writtenFiles({ tool: 'Read', paths: ['src/x.ts'] }, '/w'), []);
  });
});
