/**
 * The CI gate's shell as users copy it: the `run:` script of `action.yml` and of the README's
 * workflow snippet. Read here once so the README test (they are identical) and the e2e test
 * (the script works against a real repository) look at the same text.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(__dirname, '../..');

const RunStep = z.object({ shell: z.literal('bash'), env: z.record(z.string(), z.string()), run: z.string() });
const Action = z.object({ inputs: z.record(z.string(), z.unknown()), runs: z.object({ using: z.literal('composite'), steps: z.array(z.unknown()) }) });
const Workflow = z.object({ jobs: z.record(z.string(), z.object({ steps: z.array(z.unknown()) })) });

export type GateStep = z.infer<typeof RunStep>;

function onlyRunStep(steps: unknown[], where: string): GateStep {
  const runs = steps.flatMap((s) => {
    const r = RunStep.safeParse(s);
    return r.success ? [r.data] : [];
  });
  if (runs.length !== 1) throw new Error(`${where}: expected exactly one bash run step, found ${runs.length}`);
  return runs[0]!;
}

export function actionStep(): GateStep & { inputs: string[] } {
  const action = Action.parse(parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')));
  return { ...onlyRunStep(action.runs.steps, 'action.yml'), inputs: Object.keys(action.inputs) };
}

/** The workflow in README's "The CI gate" section: the first yaml block after that heading. */
export function readmeWorkflowStep(): GateStep {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /### The CI gate\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: no yaml block under "### The CI gate"');
  const workflow = Workflow.parse(parse(block));
  return onlyRunStep(Object.values(workflow.jobs).flatMap((j) => j.steps), 'README workflow');
}
