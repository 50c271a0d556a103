import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Commands, Settings } from '../../src/vscode/constants';
import { DECORATION_COLORS } from '../../src/vscode/decorationModel';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus?: Record<string, Array<{ command: string }>>; configuration: { properties: Record<string, unknown> }; colors: Array<{ id: string }> };
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
  it('contributes every theme colour the Explorer decorations use', () => {
    const contributed = new Set(manifest.contributes.colors.map((c) => c.id));
    for (const id of Object.values(DECORATION_COLORS)) assert.ok(contributed.has(id), `${id} is not in contributes.colors`);
  });
  it('menus only reference contributed commands', () => {
    const known = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items) assert.ok(known.has(item.command), `${menu} references unknown ${item.command}`);
    }
  });
});
