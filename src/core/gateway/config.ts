/**
 * The policy's `model:` section: which models the agent may use, where model traffic goes, and
 * whether prompts are redacted. Layers only tighten: a model must be allowed by every layer
 * that lists models (so a managed layer pins them), any layer asking for redaction turns it on,
 * and the upstream of the managed layer wins over the workspace's.
 */
import picomatch from 'picomatch';
import type { PolicyLayer } from '../policy/load';
import type { RuleRef } from '../policy/compile';
import type { ModelSection } from '../policy/modelSchema';

export { modelSectionSchema, type ModelSection } from '../policy/modelSchema';

export interface ModelAllowList {
  ref: RuleRef;
  patterns: string[];
  test: (model: string) => boolean;
}

export interface ModelPolicy {
  /** One list per layer that has `model.allow`; a model must pass all of them. */
  allow: ModelAllowList[];
  upstream?: { url: string; ref: RuleRef };
  redact?: { ref: RuleRef };
}

function refOf(layer: PolicyLayer, key: string): RuleRef {
  const pos = layer.positions.get(key);
  return { layer: layer.layer, file: layer.file, key, line: pos?.line, column: pos?.column };
}

/** Model ids compare case-insensitively: `Claude-Opus-5-5` is the same model. */
function compileAllow(patterns: readonly string[]): (model: string) => boolean {
  const matchers = patterns.map((p) => picomatch(p.toLowerCase(), { dot: true, nonegate: true }));
  return (model) => matchers.some((m) => m(model.trim().toLowerCase()));
}

export function modelPolicyOf(layers: readonly PolicyLayer[]): ModelPolicy {
  const out: ModelPolicy = { allow: [] };
  // Managed last, so its upstream is the one that stands.
  const ordered = [...layers.filter((l) => l.layer !== 'managed'), ...layers.filter((l) => l.layer === 'managed')];
  for (const layer of ordered) {
    const m = (layer.doc as { model?: ModelSection }).model;
    if (!m) continue;
    if (m.allow) out.allow.push({ ref: refOf(layer, 'model.allow'), patterns: m.allow, test: compileAllow(m.allow) });
    if (m.upstream) out.upstream = { url: m.upstream, ref: refOf(layer, 'model.upstream') };
    if (m.redact === true) out.redact ??= { ref: refOf(layer, 'model.redact') };
  }
  return out;
}

/** The first allow list that refuses `model`, or undefined when every list allows it. */
export function refusingList(policy: ModelPolicy, model: string): ModelAllowList | undefined {
  return policy.allow.find((l) => !l.test(model));
}
