/**
 * Every line of the adversarial and benign corpora, decided by the real policy engine under
 * the fixed corpus policy. A bypass found in the wild becomes one more line in a .jsonl file.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { initShellParser } from '../../../src/core/shell';
import { loadPolicyFromText } from '../../../src/core/policy/load';
import { compilePolicy } from '../../../src/core/policy/compile';
import { evaluate } from '../../../src/core/policy/evaluate';
import type { Decision } from '../../../src/core/policy/types';
import { z } from 'zod';

const ROOT = '/work/repo';
const HOME = '/home/dev';
const FIXTURES = path.join(__dirname, '../../fixtures');

/** One corpus line; `class` names the kind of bypass (or of everyday work) it stands for. */
const corpusLine = z.object({
  command: z.string(),
  expect: z.enum(['allow', 'ask', 'deny']),
  why: z.string().min(1),
  class: z.string().min(1).optional(),
});
type CorpusLine = z.infer<typeof corpusLine> & { file: string; line: number };

/** The first corpus files predate classes; every file added since names each line's class. */
const UNCLASSED_FILES = new Set(['bypass.jsonl', 'benign.jsonl']);

function loadCorpus(dir: string): CorpusLine[] {
  const full = path.join(FIXTURES, dir);
  return fs.readdirSync(full).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) =>
    fs.readFileSync(path.join(full, f), 'utf8').split('\n').flatMap((text, i) => {
      if (text.trim() === '') return [];
      const where = `${dir}/${f}:${i + 1}`;
      const parsed = corpusLine.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues[0].message}`);
      if (!UNCLASSED_FILES.has(f) && !parsed.data.class) throw new Error(`${where}: a new corpus line must name its \`class\``);
      return [{ ...parsed.data, file: `${dir}/${f}`, line: i + 1 }];
    }));
}

describe('shell corpora through the policy engine', () => {
  let decide: (command: string) => { decision: Decision; why: string };

  before(async () => {
    await initShellParser();
    const file = path.join(FIXTURES, 'policies/corpus-policy.yaml');
    const loaded = loadPolicyFromText(fs.readFileSync(file, 'utf8'), file, 'workspace');
    if (!loaded.ok) throw new Error(`corpus policy does not load: ${JSON.stringify(loaded.errors)}`);
    const compiled = compilePolicy({ layers: [loaded.layer], home: HOME });
    decide = (command) => {
      const e = evaluate({ tool: 'Bash', input: { command }, cwd: ROOT }, compiled, { workspaceRoot: ROOT, home: HOME });
      return { decision: e.decision, why: e.reasons.map((r) => r.message).join('; ') };
    };
  });

  const adversarial = loadCorpus('shell-bypass');
  const benign = loadCorpus('shell-benign');

  it('has enough lines to mean something', () => {
    assert.ok(adversarial.length >= 820, `adversarial corpus has ${adversarial.length} lines`);
    assert.ok(benign.length >= 584, `benign corpus has ${benign.length} lines`);
    const classes = new Set(adversarial.flatMap((l) => (l.class ? [l.class] : [])));
    for (const c of ['unknown-programs', 'argument-parsing', 'control-flow', 'aliasing', 'bash-code', 'hidden-hosts', 'git-writes', 'budget']) {
      assert.ok(classes.has(c), `no adversarial line of class \`${c}\``);
    }
    assert.ok(adversarial.every((l) => l.expect !== 'allow'), 'adversarial lines must expect deny or ask');
    assert.ok(benign.every((l) => l.expect === 'allow'), 'benign lines must expect allow');
  });

  it('decides every line as expected', () => {
    const failures: string[] = [];
    let blocked = 0;
    let allowed = 0;
    for (const l of [...adversarial, ...benign]) {
      const got = decide(l.command);
      if (l.expect !== 'allow' && got.decision !== 'allow') blocked++;
      if (l.expect === 'allow' && got.decision === 'allow') allowed++;
      if (got.decision !== l.expect) failures.push(`${l.file}:${l.line} \`${l.command}\` (${l.why}): expected ${l.expect}, got ${got.decision} — ${got.why}`);
    }
    console.log(`      adversarial: ${blocked}/${adversarial.length} blocked, benign: ${allowed}/${benign.length} allowed`);
    const byClass = new Map<string, number>();
    for (const l of adversarial) if (l.class) byClass.set(l.class, (byClass.get(l.class) ?? 0) + 1);
    console.log(`      classes: ${[...byClass].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    assert.deepStrictEqual(failures, []);
  });
});
