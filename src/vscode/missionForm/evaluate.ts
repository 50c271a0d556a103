/**
 * One pass over the form: values → mission input (schema order) → YAML → the mission loader
 * the CLI uses. The problems are the loader's, keyed by the same key paths, so the form and
 * `agentlane run --mission` say the same thing about the same mission.
 */
import { loadMissionFromText } from '../../core/mission/load';
import type { Mission } from '../../core/mission/schema';
import type { PolicyLayer } from '../../core/policy/load';
import type { FormField, FormValues, Problem } from '../webview/protocol/missionForm';
import { missionYaml, valuesToInput } from './values';
import { narrowingNotes } from './narrowing';

export interface FormEvaluation {
  input: Record<string, unknown>;
  yaml: string;
  problems: Problem[];
  /** Warnings that never block: where the mission would try to loosen the policy. */
  notes: Problem[];
  mission?: Mission;
}

export function evaluateForm(fields: readonly FormField[], values: FormValues, file: string, policyLayers: readonly PolicyLayer[]): FormEvaluation {
  const input = valuesToInput(fields, values);
  const yaml = missionYaml(input);
  const loaded = loadMissionFromText(yaml, file);
  const problems = loaded.ok ? [] : loaded.errors.map((e): Problem => ({ path: e.path, message: e.message, line: e.line }));
  return { input, yaml, problems, notes: narrowingNotes(input, policyLayers), ...(loaded.ok ? { mission: loaded.mission } : {}) };
}

/** Problems of a mission file as it is on disk (for "Edit in form" on an invalid file). */
export function fileProblems(text: string, file: string): Problem[] {
  const r = loadMissionFromText(text, file);
  return r.ok ? [] : r.errors.map((e) => ({ path: e.path, message: e.message, line: e.line }));
}
