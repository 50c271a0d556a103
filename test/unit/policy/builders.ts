import { loadPolicyFromText, type PolicyLayer } from '../../../src/core/policy/load';
import { compilePolicy, type CompiledPolicy } from '../../../src/core/policy/compile';
import { evaluate, type EvaluationContext } from '../../../src/core/policy/evaluate';
import type { Evaluation, LayerName } from '../../../src/core/policy/types';

export const ROOT = '/work/repo';
export const HOME = '/home/dev';

export const EXAMPLE_POLICY = `version: 1
mode: build
paths:
  deny: ["**/.env*", "secrets/**", "**/*.pem"]
  protect: [".github/workflows/**"]
  write: ["src/**", "test/**"]
shell:
  deny: ["git push*", "sudo *"]
  ask: ["git commit*"]
  allow: ["npm test"]
  otherwise: allow
  unanalyzable: deny
network:
  allow: ["registry.npmjs.org", "*.corp.example.com"]
  otherwise: deny
mcp:
  tiers: { docs: T0, jira: T1, postgres: T2 }
  otherwise: T2
budget: { usd: 20, tokens: 2000000 }
limits: { minutes: 120, toolCalls: 400 }
commits: { requireAck: true }
`;

export function layer(text: string, name: LayerName = 'workspace', file = `${ROOT}/.agentlane/policy.yaml`): PolicyLayer {
  const r = loadPolicyFromText(text, file, name);
  if (!r.ok) throw new Error(`test policy invalid: ${JSON.stringify(r.errors)}`);
  return r.layer;
}

export function policy(...texts: Array<string | [string, LayerName]>): CompiledPolicy {
  return compilePolicy({
    layers: texts.map((t) => (Array.isArray(t) ? layer(t[0], t[1], `/etc/agentlane/${t[1]}.yaml`) : layer(t))),
    home: HOME,
  });
}

export function decide(p: CompiledPolicy, tool: string, input: unknown, ctx: Partial<EvaluationContext> = {}): Evaluation {
  return evaluate({ tool, input, cwd: ctx.workspaceRoot ?? ROOT }, p, { workspaceRoot: ROOT, home: HOME, ...ctx });
}
