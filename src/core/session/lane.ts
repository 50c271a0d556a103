/**
 * Opening a supervised lane: policy stack (+ mission), trace writer, broker, hook server and
 * the agent's generated settings — the same composition for `agentlane run` and the extension.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPolicyStack, type PolicyStack } from '../policy/loadFiles';
import { initShellParser } from '../shell';
import { formatProblem, type PolicyProblem } from '../policy/errors';
import { makeGlobExpander, realpathOf } from '../policy/fsContext';
import { loadMissionFromText } from '../mission/load';
import type { Mission } from '../mission/schema';
import { TraceWriter } from '../trace/writer';
import type { Supervisor } from '../trace/schema';
import { SessionBroker, type BudgetGate } from './broker';
import { HookServer } from '../agents/claude-code/hookServer';
// --- agent adapters (issue 13) — owned by src/core/agents ---
import type { AgentKind } from '../agents/adapter';
import { adapterFor } from '../agents/registry';
import { agentHookRoutes } from '../agents/hookRoutes';
import { checkCatalog } from '../agents/catalog';
// --- end agent adapters ---
import type { StatusLinePayload } from '../agents/claude-code/payloads';
import { SessionMeter, type BudgetSnapshot } from '../budget/sessionMeter';
import { DEFAULT_PRICES, mergePrices } from '../budget/prices';
// git hooks (issue "Audit evidence", commits) — owned by src/core/git
import { gitRoutes } from '../git/routes';
import { setupLaneGitHooks } from '../git/laneHooks';
import { gitHookEnv } from '../git/hookScripts';

export class LaneError extends Error {
  constructor(readonly reason: string, readonly problems: PolicyProblem[] = []) {
    super(reason);
    this.name = 'LaneError';
  }
  static is(e: unknown): e is LaneError {
    return e instanceof LaneError;
  }
}

export interface LaneOptions {
  workspaceRoot: string;
  policyFile?: string;
  managedFile?: string | false;
  missionFile?: string;
  traceDir: string;
  supervisor: Supervisor | null;
  agent: { name: string; version: string };
  extensionVersion: string;
  modelId?: string | null;
  approvalTimeoutMs?: number;
  hookTimeoutSeconds?: number;
  /** Builds the statusLine command for interactive sessions (never runs headless). */
  statusLineCommand?: (url: string, token: string) => string;
  onStatusLine?: (p: StatusLinePayload) => string | undefined;
  /** Replaces the session meter as the budget gate (tests). */
  budget?: BudgetGate;
  /** Price overrides (settings): merged over the shipped table. */
  priceOverrides?: unknown;
  durability?: 'fsync' | 'none';
  /** Base directory for the private session directory (default: the OS temp dir). */
  privateDir?: string;
  /** Absolute path of the bundled CLI (`dist/cli.js`): when given, git commits in the agent's env wait for the ack. */
  cliPath?: string;
  /** Which agent CLI runs in the lane (default claude-code) and its command line (issue 13). */
  agentKind?: AgentKind;
  agentArgv?: string[];
}

export interface Lane {
  sessionId: string;
  broker: SessionBroker;
  server: HookServer;
  stack: PolicyStack;
  mission: Mission | undefined;
  sessionDir: string;
  settingsFile: string;
  traceFile: string;
  transcriptPath: string | undefined;
  meter: SessionMeter;
  /** The supervisor raises the USD cap for this session; recorded in the trace, unfreezes a budget freeze. */
  raiseBudget(by: string, usd: number): Promise<void>;
  /** Arguments to append to `claude`. */
  agentArgs(): string[];
  /** Environment for the agent process. */
  agentEnv(): Record<string, string>;
  /** Variables to remove from the agent's environment (they would undo its private config). */
  agentUnsetEnv(): string[];
  close(reason: string, exitCode: number | null): Promise<void>;
}

export async function openLane(opts: LaneOptions): Promise<Lane> {
  const root = path.resolve(opts.workspaceRoot);
  // Bash decisions need the parser; it is idempotent and fails closed when it cannot load.
  await initShellParser().catch(() => undefined);
  let mission: Mission | undefined;
  const extraLayers = [];
  const missionProblems: PolicyProblem[] = [];
  if (opts.missionFile) {
    let text: string;
    try {
      text = readFileSync(opts.missionFile, 'utf8');
    } catch (err) {
      throw new LaneError(`cannot read mission ${opts.missionFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const m = loadMissionFromText(text, opts.missionFile);
    if (!m.ok) missionProblems.push(...m.errors);
    else {
      mission = m.mission;
      extraLayers.push(m.layer);
      if (mission.expires && Date.parse(mission.expires) < Date.now()) {
        throw new LaneError(`mission ${mission.id} expired at ${mission.expires}: renew it (field \`expires\`) before starting a session`);
      }
    }
  }
  const stack = loadPolicyStack({ workspaceRoot: root, policyFile: opts.policyFile, managedFile: opts.managedFile, extraLayers });
  const problems = [...stack.problems, ...missionProblems];
  if (problems.length > 0) {
    throw new LaneError(`the policy cannot be loaded, so no session starts:\n${problems.map(formatProblem).join('\n')}`, problems);
  }
  if (stack.workspaceMissing && opts.policyFile === undefined) {
    throw new LaneError(`no policy at ${stack.workspaceFile}: create one first (Agent Lane: Create Policy, or see README "Policy file")`);
  }
  if (mission?.model && opts.modelId && opts.modelId !== mission.model) {
    throw new LaneError(`mission ${mission.id} pins model \`${mission.model}\`, but the agent was asked for \`${opts.modelId}\``);
  }

  // --- agent adapters (issue 13): the approved-agent catalog decides before anything opens ---
  const catalog = checkCatalog(stack.layers, {
    kind: opts.agentKind ?? 'claude-code',
    version: opts.agent.version === 'unknown' ? undefined : opts.agent.version,
    model: opts.modelId ?? mission?.model ?? null,
  });
  if (!catalog.ok) throw new LaneError(`${catalog.reason}; no session starts`);
  // --- end agent adapters ---

  let prices;
  try {
    // Layer prices apply in order (workspace, mission, then managed last so an org can pin
    // them), then the editor settings' overrides.
    prices = DEFAULT_PRICES;
    const ordered = [...stack.layers.filter((l) => l.layer !== 'managed'), ...stack.layers.filter((l) => l.layer === 'managed')];
    for (const l of ordered) if (l.doc.prices) prices = mergePrices(prices, l.doc.prices);
    prices = mergePrices(prices, opts.priceOverrides ?? {});
  } catch (err) {
    throw new LaneError(`price overrides are invalid: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
  }
  const meter = new SessionMeter(stack.policy, prices);
  const sessionId = randomUUID();
  const sessionDir = await fsp.mkdtemp(path.join(opts.privateDir ?? os.tmpdir(), 'agentlane-session-'));
  await fsp.chmod(sessionDir, 0o700);
  await fsp.mkdir(opts.traceDir, { recursive: true, mode: 0o700 });
  const traceFile = path.join(opts.traceDir, `${sessionId}.trace.jsonl`);
  const supervisor = opts.supervisor ?? mission?.supervisors[0] ?? null;
  const trace = await TraceWriter.open(traceFile, {
    sessionId, missionId: mission?.id ?? null, supervisor, durability: opts.durability ?? 'fsync',
  });
  const broker = new SessionBroker({
    sessionId,
    missionId: mission?.id ?? null,
    supervisor,
    answerers: mission?.supervisors,
    policy: stack.policy,
    policyFiles: stack.layers.map((l) => ({ layer: l.layer, file: l.file, hash: l.hash })),
    ctx: {
      workspaceRoot: root,
      sessionSecrets: [sessionDir],
      selfPaths: [path.resolve(opts.traceDir)],
      realpath: realpathOf,
      expandGlob: makeGlobExpander(),
    },
    trace,
    agent: opts.agent,
    modelId: opts.modelId ?? mission?.model ?? null,
    extensionVersion: opts.extensionVersion,
    approvalTimeoutMs: opts.approvalTimeoutMs,
    budget: opts.budget ?? meter,
  });
  // Spend goes into the trace whenever it moved, after the decision that noticed it.
  let recordedTokens = -1;
  const recordUsage = async (snap: BudgetSnapshot | undefined, source?: string): Promise<void> => {
    if (!snap || snap.reading.tokens.total === recordedTokens) return;
    recordedTokens = snap.reading.tokens.total;
    const t = snap.reading.tokens;
    await broker.record({
      event: 'budget.usage', actor: 'system',
      usage: { input: t.input, output: t.output, cache_write: t.cacheWrite5m + t.cacheWrite1h, cache_read: t.cacheRead },
      cost_usd: Math.round((snap.reading.usd ?? 0) * 1e6) / 1e6,
      source: source ?? snap.reading.source,
    });
  };
  broker.onDidDecide(() => { void recordUsage(meter.snapshot); });
  let transcriptPath: string | undefined;
  const adapter = adapterFor(opts.agentKind ?? 'claude-code', opts.agentArgv ?? []);
  const server = new HookServer({
    broker,
    agentSessionId: sessionId,
    onStatusLine: (p) => {
      const usd = p.cost?.total_cost_usd;
      if (typeof usd === 'number') meter.setCliCost(usd);
      return opts.onStatusLine?.(p);
    },
    onTranscript: (p) => { transcriptPath = p; meter.setTranscript(p); },
    extraRoutes: {
      ...gitRoutes(broker),
      // Other agents' fail-closed hook clients post here (src/core/agents/hookRoutes.ts).
      ...(adapter.kind === 'claude-code' ? {} : agentHookRoutes(adapter, broker, sessionId.slice(0, 8))),
    },
  });
  const url = await server.listen();
  // --- git hooks: core.hooksPath → <sessionDir>/git-hooks (src/core/git/hookScripts.ts) ---
  const gitHooks = opts.cliPath
    ? await setupLaneGitHooks({ sessionDir, workspaceRoot: root, cliPath: path.resolve(opts.cliPath), token: server.token })
    : undefined;
  // --- end git hooks ---
  // --- agent adapters (issue 13): the agent's private per-session config ---
  let prepared;
  try {
    prepared = await adapter.prepare({
      sessionId, sessionDir, workspaceRoot: root, hookBaseUrl: url, token: server.token,
      hookTimeoutSeconds: opts.hookTimeoutSeconds ?? 600,
      model: opts.modelId ? null : mission?.model ?? null,
      statusLineCommand: opts.statusLineCommand?.(url, server.token),
    });
  } catch (err) {
    // Nothing started yet: unwind what we opened and say why the agent cannot run here.
    await server.close();
    await trace.close().catch(() => undefined);
    await fsp.rm(sessionDir, { recursive: true, force: true });
    throw new LaneError(`${adapter.displayName} cannot start supervised: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
  }
  const settingsFile = prepared.configFile;
  // --- end agent adapters ---
  await broker.start();

  let closed = false;
  return {
    sessionId, broker, server, stack, mission, sessionDir, settingsFile, traceFile,
    get transcriptPath() { return transcriptPath; },
    meter,
    raiseBudget: async (by, usd) => {
      const { from, to } = meter.raise(by, usd);
      await broker.record({ event: 'budget.raise', actor: 'supervisor', by, from, to });
      if (broker.state === 'frozen' && meter.status().state !== 'exceeded' && /budget/i.test(broker.frozenBecause ?? '')) {
        await broker.unfreeze(by, `budget raised from $${from.toFixed(2)} to $${to.toFixed(2)}`);
      }
    },
    agentArgs: () => [...prepared.args],
    agentEnv: () => ({
      ...prepared.env,
      AGENTLANE_SESSION_ID: sessionId,
      ...(gitHooks ? gitHookEnv(gitHooks, url, process.env, opts.hookTimeoutSeconds) : {}),
    }),
    agentUnsetEnv: () => [...prepared.unsetEnv],
    close: async (reason, exitCode) => {
      if (closed) return;
      closed = true;
      try {
        if (broker.state !== 'ended') await recordUsage(meter.refresh(), 'final');
        await broker.end(reason, exitCode);
      } finally {
        await server.close();
        // Keep the hook scripts: a process that still carries the lane's env then fails its
        // commits with "the session has ended" instead of committing without hooks. Everything
        // else (settings with the token, the git token) goes.
        // Same for the other agents' hook clients: without their token they can only deny.
        const keep = new Set(['git-hooks', 'agent-hooks']);
        for (const entry of await fsp.readdir(sessionDir).catch(() => [] as string[])) {
          if (!keep.has(entry)) await fsp.rm(path.join(sessionDir, entry), { recursive: true, force: true });
        }
        await fsp.rm(path.join(sessionDir, 'agent-hooks', 'auth-header'), { force: true });
      }
    },
  };
}
