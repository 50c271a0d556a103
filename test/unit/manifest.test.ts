import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Commands, Settings } from '../../src/vscode/constants';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus?: Record<string, Array<{ command: string }>>; configuration: { properties: Record<string, unknown> } };
};

describe('manifest', () => {
  it('contributes exactly the commands the code defines', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
  });
  it('contributes exactly the settings the code reads through Config', () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
    const { section, ...keys } = Settings;
    assert.deepEqual(contributed, Object.values(keys).map((k) => `${section}.${k}`).sort());
  });
  it('menus only reference contributed commands', () => {
    const known = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items) assert.ok(known.has(item.command), `${menu} references unknown ${item.command}`);
    }
  });
});
