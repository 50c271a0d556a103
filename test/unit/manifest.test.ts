import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../../src/vscode/constants';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus?: Record<string, Array<{ command: string }>> };
};

describe('manifest', () => {
  it('contributes exactly the commands the code defines', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
  });
  it('menus only reference contributed commands', () => {
    const known = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items) assert.ok(known.has(item.command), `${menu} references unknown ${item.command}`);
    }
  });
});
