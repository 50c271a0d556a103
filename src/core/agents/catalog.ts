/**
 * The approved-agent catalog (`agents:` in a policy layer, typically the managed one): which
 * CLIs, which versions, which models may run in a supervised session. Every layer that has a
 * catalog must approve the agent (layers only tighten). What cannot be told — a version the CLI
 * did not report, a model nobody named — cannot be approved by a catalog that restricts it.
 */
import picomatch from 'picomatch';
import semver from 'semver';
import type { PolicyDocument } from '../policy/schema';
import type { AgentKind } from './adapter';

export interface CatalogLayer {
  layer: string;
  file: string;
  doc: Pick<PolicyDocument, 'agents'>;
}

export interface AgentIdentity {
  kind: AgentKind;
  /** As the CLI reported it; undefined when it could not be told. */
  version: string | undefined;
  model: string | null;
}

export type CatalogVerdict = { ok: true } | { ok: false; reason: string };

export function checkCatalog(layers: readonly CatalogLayer[], agent: AgentIdentity): CatalogVerdict {
  for (const l of layers) {
    const entries = l.doc.agents;
    if (!entries) continue;
    const where = `the ${l.layer} policy's agent catalog (${l.file})`;
    const mine = entries.filter((e) => e.kind === agent.kind);
    if (mine.length === 0) {
      const listed = [...new Set(entries.map((e) => e.kind))].join(', ') || 'none';
      return { ok: false, reason: `${agent.kind} is not in ${where}; approved: ${listed}` };
    }
    const why: string[] = [];
    const approved = mine.some((e) => {
      if (e.versions) {
        const valid = agent.version ? semver.valid(semver.coerce(agent.version, { includePrerelease: true })) : null;
        if (!semver.validRange(e.versions)) { why.push(`range \`${e.versions}\` is not a semver range`); return false; }
        if (!valid) { why.push(`the ${agent.kind} version could not be told and the catalog allows only \`${e.versions}\``); return false; }
        if (!semver.satisfies(valid, e.versions, { includePrerelease: true })) { why.push(`version ${agent.version} is outside \`${e.versions}\``); return false; }
      }
      if (e.models) {
        if (!agent.model) { why.push(`no model named and the catalog allows only ${e.models.map((m) => `\`${m}\``).join(', ')}: pass --model`); return false; }
        if (!e.models.some((m) => picomatch.isMatch(agent.model as string, m))) { why.push(`model \`${agent.model}\` is not one of ${e.models.map((m) => `\`${m}\``).join(', ')}`); return false; }
      }
      return true;
    });
    if (!approved) return { ok: false, reason: `${agent.kind} is not approved by ${where}: ${[...new Set(why)].join('; ')}` };
  }
  return { ok: true };
}
