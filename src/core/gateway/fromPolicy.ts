/**
 * The gateway of one session, from the session's policy stack: caps with the lines that set
 * them, the model allowlist (plus a mission's model pin), redaction, and the upstream. One call
 * for the lane: `openSessionGateway(...)`.
 */
import type { CompiledPolicy, Setting } from '../policy/compile';
import { tightestCap } from '../policy/compile';
import type { PolicyLayer } from '../policy/load';
import type { Cap } from '../budget/caps';
import type { PriceTable } from '../budget/prices';
import { modelPolicyOf } from './config';
import { DEFAULT_UPSTREAM, openModelGateway, type ModelGateway, type ModelGatewayOptions } from './server';
import type { ScopedCap } from './spend';

export interface SessionGatewayInput {
  layers: readonly PolicyLayer[];
  policy: CompiledPolicy;
  prices: PriceTable;
  /** The lane's own environment: its ANTHROPIC_BASE_URL is the upstream unless the policy names one. */
  env?: NodeJS.ProcessEnv;
  /** A mission's `model:` pin: only that model may answer ("no silent model upgrades"). */
  missionModel?: { model: string; file: string };
  /** What other sessions already spent (see `priorSpend`): counts against the day and mission caps. */
  prior?: { todayUsd: number; missionUsd: number };
  socketPath?: string;
  tcp?: boolean;
}

function capOf(s: Setting<number> | undefined): Cap | undefined {
  return s && { limit: s.value, source: { layer: s.ref.layer, file: s.ref.file, line: s.ref.line, key: s.ref.key } };
}

export function sessionGatewayOptions(input: SessionGatewayInput): ModelGatewayOptions {
  const model = modelPolicyOf(input.layers);
  if (input.missionModel) {
    const pinned = input.missionModel.model.toLowerCase();
    model.allow.push({ ref: { layer: 'mission', file: input.missionModel.file, key: 'model' }, patterns: [input.missionModel.model], test: (m) => m.trim().toLowerCase() === pinned });
  }
  const caps: ScopedCap[] = [];
  const session = capOf(tightestCap(input.policy, (l) => l.budget?.usd));
  if (session) caps.push({ scope: 'session', cap: session, priorUsd: 0 });
  const day = capOf(tightestCap(input.policy, (l) => l.budget?.usdPerDay));
  if (day) caps.push({ scope: 'day', cap: day, priorUsd: input.prior?.todayUsd ?? 0 });
  const mission = capOf(tightestCap(input.policy, (l) => l.budget?.usdPerMission));
  if (mission) caps.push({ scope: 'mission', cap: mission, priorUsd: input.prior?.missionUsd ?? 0 });
  const envUpstream = input.env?.ANTHROPIC_BASE_URL?.trim();
  return {
    upstream: model.upstream?.url ?? (envUpstream ? envUpstream : DEFAULT_UPSTREAM),
    policy: model,
    prices: input.prices,
    caps,
    estimateUnknown: !input.policy.layers.some((l) => l.budget?.onUnknown?.value === 'freeze'),
    socketPath: input.socketPath,
    tcp: input.tcp,
  };
}

export function openSessionGateway(input: SessionGatewayInput): Promise<ModelGateway> {
  return openModelGateway(sessionGatewayOptions(input));
}
