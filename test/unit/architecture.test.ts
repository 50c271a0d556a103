/**
 * docs/ARCHITECTURE.md is the map the code points at: every folder of src/core has a layer,
 * lint refuses what the page forbids (values from above or from a sibling, import cycles), and
 * every document a comment or lint message names exists, with the section it quotes.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');

interface Layer { name: string; folders: string[] }

async function coreLayers(): Promise<Layer[]> {
  const mod = (await import(pathToFileURL(path.join(ROOT, 'scripts/coreLayers.mjs')).href)) as { CORE_LAYERS: Layer[] };
  return mod.CORE_LAYERS;
}

function filesUnder(rel: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const child = path.join(dir, e.name);
      if (e.isDirectory()) walk(child);
      else if (keep(child)) out.push(child);
    }
  };
  walk(rel);
  return out;
}

/** Lints a throwaway project laid out like this repository, with this repository's lint config. */
async function lintProject(files: Record<string, string>): Promise<Map<string, string[]>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentlane-lint-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: path.join(ROOT, 'eslint.config.mjs') });
    const results = await eslint.lintFiles(Object.keys(files));
    return new Map(results.map((r) => [path.relative(dir, r.filePath), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('architecture', function () {
  this.timeout(60000);

  it('gives every folder of src/core a layer, and names each layer in docs/ARCHITECTURE.md', async () => {
    const layers = await coreLayers();
    const listed = layers.flatMap((l) => l.folders);
    const folders = readdirSync(path.join(ROOT, 'src/core'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.deepEqual(folders.filter((f) => !listed.includes(f)), [], 'add new src/core folders to scripts/coreLayers.mjs and the Layers table');
    const doc = read('docs/ARCHITECTURE.md');
    layers.forEach((l, i) => assert.match(doc, new RegExp(`\\| ${i} ${l.name} \\| ${l.folders.map((f) => `\`${f}\``).join(', ')} \\|`), `layer ${i} differs in docs/ARCHITECTURE.md`));
  });

  it('lint refuses values from a higher layer or a sibling, and accepts them from below', async () => {
    const results = await lintProject({
      'src/core/trace/upward.ts': "import { Broker } from '../session/broker';\nexport const b = Broker;\n",
      'src/core/trace/typeOnly.ts': "import type { Broker } from '../session/broker';\nexport type B = Broker;\n",
      'src/core/ledger/sibling.ts': "import { buildReport } from '../audit/report';\nexport const r = buildReport;\n",
      'src/core/session/downward.ts': "import { describeError } from '../common/errors';\nexport const d = describeError;\n",
      'src/core/policy/ui.ts': "import * as vscode from 'vscode';\nexport const v = vscode;\n",
    });
    assert.match(results.get('src/core/trace/upward.ts')!.join('\n'), /no-restricted-imports: .*src\/core\/trace is in layer 1 .*docs\/ARCHITECTURE\.md/);
    assert.match(results.get('src/core/ledger/sibling.ts')!.join('\n'), /no-restricted-imports: .*src\/core\/ledger is in layer 5/);
    assert.match(results.get('src/core/policy/ui.ts')!.join('\n'), /never imports vscode/);
    assert.deepEqual(results.get('src/core/trace/typeOnly.ts'), []);
    assert.deepEqual(results.get('src/core/session/downward.ts'), []);
  });

  it('lint refuses an import cycle', async () => {
    const results = await lintProject({
      'src/core/common/a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      'src/core/common/b.ts': "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
    });
    assert.match(results.get('src/core/common/a.ts')!.join('\n'), /import-x\/no-cycle/);
  });

  it('every document a comment or lint message names exists, with the section it quotes', () => {
    const sources = [
      ...filesUnder('src', (f) => f.endsWith('.ts')),
      ...filesUnder('media', (f) => f.endsWith('.ts')),
      ...filesUnder('scripts', (f) => /\.(ts|mjs|sh)$/.test(f)),
      'eslint.config.mjs', 'esbuild.mjs', 'action.yml',
    ];
    const missing: string[] = [];
    let checked = 0;
    for (const file of sources) {
      const text = read(file);
      for (const m of text.matchAll(/\b((?:docs|src)\/[\w./-]+\.md|(?:DESIGN|CONVENTIONS|ARCHITECTURE)\.md)\b(?:,? "([^"\n]+)")?/g)) {
        const doc = m[1]!;
        checked++;
        let body: string;
        try {
          body = read(doc);
        } catch {
          missing.push(`${file}: ${doc} does not exist in the repository`);
          continue;
        }
        if (m[2] && !new RegExp(`^#+ ${m[2].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm').test(body)) missing.push(`${file}: ${doc} has no section "${m[2]}"`);
      }
      for (const m of text.matchAll(/\binvariants? (\d+)/gi)) {
        const n = Number(m[1]);
        if (!new RegExp(`^${n}\\. \\*\\*`, 'm').test(read('docs/ARCHITECTURE.md'))) missing.push(`${file}: invariant ${n} is not in docs/ARCHITECTURE.md`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(checked > 10, `only ${checked} document references found: is the pattern still right?`);
  });
});
