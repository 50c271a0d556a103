/**
 * Reads the policy layers from disk and compiles them. The only policy module that does I/O.
 * A layer that was asked for but cannot be read or parsed is a problem, and problems make
 * the compiled policy deny everything (fail closed).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LayerName } from './types';
import { loadPolicyFromText, type PolicyLayer } from './load';
import type { PolicyProblem } from './errors';
import { compilePolicy, type CompiledPolicy } from './compile';
import { defaultManagedPolicyPath, WORKSPACE_POLICY } from './managedPaths';

export interface PolicyStackOptions {
  workspaceRoot: string;
  /** Workspace policy file; default `<root>/.agentlane/policy.yaml`. */
  policyFile?: string;
  /**
   * Managed policy: a path (must exist), `false` for none, or undefined for the platform
   * default (used when present).
   */
  managedFile?: string | false;
  /** Extra layers already parsed (e.g. a mission turned into a layer). */
  extraLayers?: PolicyLayer[];
  home?: string;
}

export interface PolicyStack {
  policy: CompiledPolicy;
  layers: PolicyLayer[];
  problems: PolicyProblem[];
  /** True when no workspace policy exists: callers decide whether that is acceptable. */
  workspaceMissing: boolean;
  workspaceFile: string;
  managedFile?: string;
}

export function readLayer(file: string, layer: LayerName): { layer?: PolicyLayer; problems: PolicyProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { problems: [{ file, line: 1, column: 1, path: '', message: `cannot read ${layer} policy (${code})` }] };
  }
  const r = loadPolicyFromText(text, file, layer);
  return r.ok ? { layer: r.layer, problems: [] } : { problems: r.errors };
}

export function loadPolicyStack(opts: PolicyStackOptions): PolicyStack {
  const layers: PolicyLayer[] = [];
  const problems: PolicyProblem[] = [];
  let managedFile: string | undefined;
  if (opts.managedFile !== false) {
    const candidate = opts.managedFile ?? defaultManagedPolicyPath(process.platform, process.env);
    if (opts.managedFile !== undefined || existsSync(candidate)) {
      managedFile = candidate;
      const r = readLayer(candidate, 'managed');
      if (r.layer) layers.push(r.layer);
      problems.push(...r.problems);
    }
  }
  const workspaceFile = path.resolve(opts.workspaceRoot, opts.policyFile ?? WORKSPACE_POLICY);
  const workspaceMissing = !existsSync(workspaceFile);
  if (!workspaceMissing || opts.policyFile !== undefined) {
    const r = readLayer(workspaceFile, 'workspace');
    if (r.layer) layers.push(r.layer);
    problems.push(...r.problems);
  }
  layers.push(...(opts.extraLayers ?? []));
  return {
    policy: compilePolicy({ layers, problems, home: opts.home }),
    layers,
    problems,
    workspaceMissing,
    workspaceFile,
    managedFile,
  };
}
