import { strict as assert } from 'node:assert';
import { messageFromCommitArgv } from '../../../src/core/git/commitMessageArgs';

describe('git: the commit message from git commit argv', () => {
  it('reads -m, --message, --message= and clustered -am, joining several as paragraphs', () => {
    assert.equal(messageFromCommitArgv(['-m', 'Fix greeting']), 'Fix greeting');
    assert.equal(messageFromCommitArgv(['-am', 'wip']), 'wip');
    assert.equal(messageFromCommitArgv(['-mInline']), 'Inline');
    assert.equal(messageFromCommitArgv(['--message=Subject', '-m', 'Body']), 'Subject\n\nBody');
  });
  it('is null when the message comes from a file or the editor', () => {
    assert.equal(messageFromCommitArgv(['-F', 'msg.txt']), null);
    assert.equal(messageFromCommitArgv(['--amend']), null);
    assert.equal(messageFromCommitArgv(['--', '-m', 'not an option']), null);
  });
});
