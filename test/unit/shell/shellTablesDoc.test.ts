/** docs/shell-tables.md is generated from the analyser's tables; it must match them exactly. */
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { renderShellTables, TARGET } from '../../../scripts/gen-shell-tables';

describe('docs/shell-tables.md', () => {
  it('matches the command tables it is generated from (regenerate with `npx tsx scripts/gen-shell-tables.ts`)', async () => {
    const expected = await renderShellTables();
    assert.ok(readFileSync(TARGET, 'utf8') === expected, 'docs/shell-tables.md is stale: run `npx tsx scripts/gen-shell-tables.ts`');
  });

  it('names every table, the environment variables, git\'s global options and the budget', async () => {
    const text = await renderShellTables();
    for (const heading of ['## file commands', '## network clients', '## environment variables', '## git', '## cost budget']) {
      assert.ok(text.includes(heading), `missing ${heading}`);
    }
    assert.match(text, /`--attr-source`/);
  });
});
