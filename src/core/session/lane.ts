/**
 * Opening a supervised lane: policy stack (+ mission), trace writer, broker, hook server, the
 * agent's generated settings, the git hooks, the host-side ref watcher and — unless the policy
 * says `sandbox: off` — the OS sandbox the agent runs in. The same composition for
 * `agentlane run` and the extension.
 *
 * The lane owns every resource it opens and unwinds them in reverse order when a later step
 * fails or the session ends (`Resources`), so a half-opened lane leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPolicyStack, type PolicyStack } from '../policy/loadFiles';
import { initShellParser } from '../shell';
import { formatProblem, type PolicyProblem } from '../policy/errors';
import { makeGlobExpander, realpathOf } from '../policy/fsContext';
import { evaluate } from '../policy/evaluate';
import { requireCommitAck, tightestCap } from '../policy/compile';
import { loadMissionFromText } from '../mission/load';
import type { Mission } from '../mission/schema';
import { TraceWriter } from '../trace/writer';
import type { Supervisor } from '../trace/schema';
import { SessionBroker, type BudgetGate } from './broker';
import { HookServer } from '../agents/claude-code/hookServer';
import type { AgentKind } from '../agents/adapter';
import { adapterFor } from '../agents/registry';
import { agentHookRoutes } from '../agents/hookRoutes';
import { checkCatalog } from '../agents/catalog';
import type { StatusLinePayload } from '../agents/claude-code/payloads';
import { SessionMeter, type BudgetSnapshot } from '../budget/sessionMeter';
import { DEFAULT_PRICES, mergePrices } from '../budget/prices';
import { gitRoutes } from '../git/routes';
import { setupLaneGitHooks } from '../git/laneHooks';
import { gitHookEnv, type InstalledGitHooks } from '../git/hookScripts';
import { RefWatcher } from '../git/refWatcher';
import { sandboxDecision } from '../sandbox/mode';
import { sandboxAvailability } from '../sandbox/availability';
import { Box, BoxError } from '../sandbox/box';
import { scrubLaneSecrets } from '../ledger/secrets';
import type { SandboxState } from '../sandbox/types';
import { Resources } from './resources';
import { openSessionGateway, type ModelGateway } from '../gateway';
import { priorSpend } from '../audit/priorSpend';

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
  /** The environment the agent would inherit (default: this process's). */
  baseEnv?: Record<string, string | undefined>;
  /** Other lane-owned directories the agent must not see (ledger directory, extension storage). */
  laneDirs?: string[];
  /** The ledger address: its credentials never reach the agent's environment. */
  ledgerUrl?: string;
  /** Which agent CLI runs in the lane (default claude-code) and its command line. */
  agentKind?: AgentKind;
  agentArgv?: string[];
}

export interface AgentCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
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
  /** Whether the agent runs in the OS sandbox, and why not when it does not. */
  sandbox: SandboxState;
  /** The box, when the session is sandboxed. */
  box: Box | undefined;
  /** The only model endpoint the agent is given (src/core/gateway): meters, caps, allowlist, redaction. */
  gateway: ModelGateway;
  /** The supervisor raises the USD cap for this session; recorded in the trace, unfreezes a budget freeze. */
  raiseBudget(by: string, usd: number): Promise<void>;
  /** Arguments to append to `claude`. */
  agentArgs(): string[];
  /** Environment for the agent process (inside the box when sandboxed). */
  agentEnv(): Record<string, string>;
  /** The full command that runs `command` (+ agentArgs) as this session's agent: in the box unless `sandbox: off`. */
  agentCommand(command: string[], opts?: { interactive?: boolean }): AgentCommand;
  /** Any command with the agent's environment, where the agent runs (its git, its scripts, tests). */
  boxCommand(command: string[], opts?: { interactive?: boolean }): AgentCommand;
  /** Variables to remove from the agent's environment (they would undo its private config). */
  agentUnsetEnv(): string[];
  close(reason: string, exitCode: number | null): Promise<void>;
}

export async function openLane(opts: LaneOptions): Promise<Lane> {
  const root = path.resolve(opts.workspaceRoot);
  // Bash decisions need the parser; it is idempotent and fails closed when it cannot load.
  await initShellParser().catch(() => undefined);
  const { stack, mission } = loadStack(opts, root);
  // The approved-agent catalog decides before anything opens.
  const catalog = checkCatalog(stack.layers, {
    kind: opts.agentKind ?? 'claude-code',
    version: opts.agent.version === 'unknown' ? undefined : opts.agent.version,
    model: opts.modelId ?? mission?.model ?? null,
  });
  if (!catalog.ok) throw new LaneError(`${catalog.reason}; no session starts`);

  // No box, no session — unless a policy layer says `sandbox: off` (and none requires it).
  const sandboxMode = sandboxDecision(stack.policy);
  if (sandboxMode.mode === 'refused') throw new LaneError(`no session starts: ${sandboxMode.reason}`);
  const availability = sandboxMode.mode === 'on' ? sandboxAvailability() : undefined;
  if (availability && !availability.ok) {
    throw new LaneError(`no session starts: the agent must run in a sandbox, and ${availability.reason}. To run without one, a policy layer must say \`sandbox: off\` (recorded in the trace and shown)`);
  }

  const prices = priceTable(stack, opts.priceOverrides);
  const meter = new SessionMeter(stack.policy, prices);
  const sessionId = randomUUID();
  const res = new Resources();
  try {
    const sessionDir = await fsp.mkdtemp(path.join(opts.privateDir ?? os.tmpdir(), 'agentlane-session-'));
    res.defer(() => fsp.rm(sessionDir, { recursive: true, force: true }));
    await fsp.chmod(sessionDir, 0o700);
    await fsp.mkdir(opts.traceDir, { recursive: true, mode: 0o700 });
    const traceFile = path.join(opts.traceDir, `${sessionId}.trace.jsonl`);
    const supervisor = opts.supervisor ?? mission?.supervisors[0] ?? null;
    const trace = await TraceWriter.open(traceFile, {
      sessionId, missionId: mission?.id ?? null, supervisor, durability: opts.durability ?? 'fsync',
    });
    const sessionSecrets: string[] = [sessionDir];
    const ctx = {
      workspaceRoot: root,
      sessionSecrets,
      selfPaths: [path.resolve(opts.traceDir)],
      realpath: realpathOf,
      expandGlob: makeGlobExpander(),
    };
    const broker = new SessionBroker({
      sessionId,
      missionId: mission?.id ?? null,
      supervisor,
      answerers: mission?.supervisors,
      policy: stack.policy,
      policyFiles: stack.layers.map((l) => ({ layer: l.layer, file: l.file, hash: l.hash })),
      ctx,
      trace,
      agent: opts.agent,
      modelId: opts.modelId ?? mission?.model ?? null,
      extensionVersion: opts.extensionVersion,
      approvalTimeoutMs: opts.approvalTimeoutMs,
      budget: opts.budget ?? meter,
    });
    res.defer(() => broker.end('the lane could not start', null));

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
    const gatewayRef: { current?: ModelGateway } = {};
    const adapter = adapterFor(opts.agentKind ?? 'claude-code', opts.agentArgv ?? []);
    const server = new HookServer({
      broker,
      agentSessionId: sessionId,
      onStatusLine: (p) => {
        const usd = p.cost?.total_cost_usd;
        if (typeof usd === 'number') { meter.setCliCost(usd); gatewayRef.current?.setCliCost(usd); }
        return opts.onStatusLine?.(p);
      },
      onTranscript: (p) => { transcriptPath = p; meter.setTranscript(p); },
      extraRoutes: {
        ...gitRoutes(broker),
        // Other agents' fail-closed hook clients post here (src/core/agents/hookRoutes.ts).
        ...(adapter.kind === 'claude-code' ? {} : agentHookRoutes(adapter, broker, sessionId.slice(0, 8))),
      },
    });
    // The loopback listener (bearer token) serves host-side callers and `sandbox: off`; the
    // box reaches the broker only through its own socket.
    const hostUrl = await server.listen();
    res.defer(() => server.close());

    // The model gateway: the agent reaches its model only through it (invariant 11). It listens on
    // the host's loopback; inside the box the model relay leads to it, and nowhere else.
    const spanning = stack.policy.layers.some((l) => l.budget?.usdPerDay || l.budget?.usdPerMission);
    const prior = spanning ? await priorSpend(opts.traceDir, { missionId: mission?.id }) : undefined;
    const gateway = await openSessionGateway({
      layers: stack.layers, policy: stack.policy, prices, env: opts.baseEnv ?? process.env,
      missionModel: mission?.model && opts.missionFile ? { model: mission.model, file: opts.missionFile } : undefined,
      prior,
    });
    res.defer(() => gateway.close());
    gateway.onUsage((e) => {
      meter.setGatewayCost(e.sessionUsd);
      const t = gateway.spend.reading().tokens;
      // A response that ends while the session closes finds the trace ended: the final
      // budget.usage written at close already carries this spend (setGatewayCost above).
      void broker.record({
        event: 'budget.usage', actor: 'system',
        usage: { input: t.input, output: t.output, cache_write: t.cacheWrite5m + t.cacheWrite1h, cache_read: t.cacheRead },
        cost_usd: Math.round(e.sessionUsd * 1e6) / 1e6,
        source: e.estimated ? 'gateway-estimated' : 'gateway',
      }).catch(() => undefined);
    });
    gatewayRef.current = gateway;
    const baseEnv: Record<string, string | undefined> = { ...(opts.baseEnv ?? process.env), ANTHROPIC_BASE_URL: gateway.url };
    const agentBaseEnv = definedOnly(scrubLaneSecrets(baseEnv, { ledgerUrl: opts.ledgerUrl }));
    let box: Box | undefined;
    let sandbox: SandboxState;
    if (availability?.ok) {
      try {
        box = await Box.open({
          sessionId,
          policy: stack.policy,
          workspaceRoot: root,
          home: stack.policy.home,
          baseDir: opts.privateDir ?? os.tmpdir(),
          laneDirs: [sessionDir, path.resolve(opts.traceDir), ...(opts.laneDirs ?? [])],
          bwrap: availability.bwrap,
          socat: availability.socat,
          node: process.execPath,
          decideHost: (host, port) => hostVerdict(broker, ctx, host, port, modelHost(baseEnv)),
          onViolation: (v) => { void broker.record({ event: 'sandbox.violation', actor: 'system', kind: v.kind, target: v.target, detail: v.detail }); },
          listenBroker: (socket) => server.listenBox(socket),
          model: loopbackModel(baseEnv),
          limitsExplicit: tightestCap(stack.policy, (l) => l.limits?.processes) !== undefined
            || tightestCap(stack.policy, (l) => l.limits?.memoryMb) !== undefined,
        });
      } catch (err) {
        throw new LaneError(`no session starts: ${err instanceof BoxError ? err.message : (err as Error).message}`);
      }
      const b = box;
      res.defer(() => b.close());
      sandbox = b.status;
    } else {
      sandbox = { state: 'off', reason: sandboxMode.mode === 'off' ? sandboxMode.reason : 'sandbox unavailable' };
    }

    // Where the agent finds the broker, and the files it reads: inside the box, the box's
    // loopback relay and its read-only directory; without a box, the host listener.
    const agentUrl = box ? box.url('broker') : hostUrl;
    const agentToken = box ? 'box-channel' : server.token;
    let gitHooks: InstalledGitHooks | undefined;
    if (opts.cliPath) {
      gitHooks = await setupLaneGitHooks({
        sessionDir: box ? box.boxDir : sessionDir, workspaceRoot: root, cliPath: path.resolve(opts.cliPath), token: agentToken,
      });
    }
    // The agent's private per-session config (src/core/agents): in the box, under its private HOME
    // with every file it writes held read-only; without a box, in the lane's private directory.
    const agentDir = box ? path.join(box.profile.home, '.agentlane-agent') : sessionDir;
    await fsp.mkdir(agentDir, { recursive: true, mode: 0o700 });
    let prepared;
    try {
      prepared = await adapter.prepare({
        sessionId, sessionDir: agentDir, workspaceRoot: root, hookBaseUrl: agentUrl,
        // Claude's http hooks need no token inside the box (the channel is the credential); the
        // other agents' hook clients send a placeholder the box listener does not check.
        token: box ? (adapter.kind === 'claude-code' ? '' : agentToken) : server.token,
        hookTimeoutSeconds: opts.hookTimeoutSeconds ?? 600,
        model: opts.modelId ? null : mission?.model ?? null,
        statusLineCommand: opts.statusLineCommand?.(agentUrl, agentToken),
      });
    } catch (err) {
      throw new LaneError(`${adapter.displayName} cannot start supervised: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
    }
    if (box) {
      // Held read-only by the box's mounts; on disk too, so nothing reads them as editable.
      box.protect(prepared.files);
      for (const f of prepared.files) await fsp.chmod(f, (await fsp.stat(f)).mode & 0o555).catch(() => undefined);
    }
    const settingsFile = prepared.configFile;
    // The agent has no business reading its own rules (invariant 3).
    sessionSecrets.push(settingsFile);
    await broker.start();
    await broker.record({
      event: 'sandbox.status', actor: 'system', state: sandbox.state,
      backend: sandbox.state === 'on' ? sandbox.backend : 'none',
      reason: sandbox.state === 'off' ? sandbox.reason : box?.limitsNote.join('; ') ?? '',
    });
    const refs = new RefWatcher({
      workspaceRoot: root,
      onCommit: async (c) => {
        const ack = broker.ackFor(c.tree);
        await broker.record({
          event: 'commit.observed', actor: 'system', commit_sha: c.sha, tree: c.tree, parents: c.parents, ref: c.ref,
          ack_id: ack?.ackId ?? null, ack_by: ack?.by ?? null, acknowledged: ack !== undefined,
          ack_required: requireCommitAck(stack.policy)?.value !== false,
        });
      },
    });
    await refs.start();

    const agentArgs = (): string[] => [...prepared.args];
    const agentEnv = (): Record<string, string> => {
      const env: Record<string, string> = { ...prepared.env, AGENTLANE_SESSION_ID: sessionId };
      if (gitHooks) Object.assign(env, gitHookEnv(gitHooks, agentUrl, baseEnv, opts.hookTimeoutSeconds));
      if (box) {
        const model = loopbackModel(baseEnv);
        if (model) env.ANTHROPIC_BASE_URL = `${box.url('model')}${model.path}`;
      } else {
        Object.assign(env, gateway.agentEnv());
      }
      return env;
    };

    const envFor = (): Record<string, string> => {
      const env = { ...agentBaseEnv, ...agentEnv() };
      for (const name of prepared.unsetEnv) delete env[name];
      return box ? box.env(env) : env;
    };
    const boxCommand = (command: string[], o: { interactive?: boolean }): AgentCommand => {
      if (!box) return { file: command[0], args: command.slice(1), env: envFor() };
      const argv = box.launch(command, { cwd: root, interactive: o.interactive ?? false });
      return { file: argv[0], args: argv.slice(1), env: envFor() };
    };

    let closed = false;
    const lane: Lane = {
      sessionId, broker, server, stack, mission, sessionDir, settingsFile, traceFile, meter, sandbox, box, gateway,
      get transcriptPath() { return transcriptPath; },
      raiseBudget: async (by, usd) => {
        const { from, to } = meter.raise(by, usd);
        gateway.raise(by, usd);
        await broker.record({ event: 'budget.raise', actor: 'supervisor', by, from, to });
        const st = broker.status;
        if (st.state === 'frozen' && st.cause === 'budget' && meter.status().state !== 'exceeded') {
          await broker.unfreeze(by, `budget raised from $${from.toFixed(2)} to $${to.toFixed(2)}`);
        }
      },
      agentArgs,
      agentEnv,
      agentCommand: (command, o = {}) => boxCommand([...command, ...agentArgs()], o),
      boxCommand: (command, o = {}) => boxCommand(command, o),
      agentUnsetEnv: () => [...prepared.unsetEnv],
      close: async (reason, exitCode) => {
        if (closed) return;
        closed = true;
        try {
          // Nothing the agent started outlives the session; then the last look at the refs.
          await box?.killAll();
          await refs.stop();
          if (broker.state !== 'ended') await recordUsage(meter.refresh(), 'final');
          await broker.end(reason, exitCode);
        } finally {
          await gateway.close(); // nothing reaches a model after the session
          await server.close();
          await box?.close();
          // Keep the hook scripts (without a box they live in the session dir): a process that
          // still carries the lane's env then fails its commits with "the session has ended"
          // instead of committing without hooks. Everything else (settings, token) goes.
          // Same for the other agents' hook clients: without their token they can only deny.
          const keep = new Set(['git-hooks', 'agent-hooks']);
          for (const entry of await fsp.readdir(sessionDir).catch(() => [] as string[])) {
            if (!keep.has(entry)) await fsp.rm(path.join(sessionDir, entry), { recursive: true, force: true });
          }
          await fsp.rm(path.join(sessionDir, 'agent-hooks', 'auth-header'), { force: true });
        }
      },
    };
    res.release();
    return lane;
  } catch (err) {
    await res.unwind();
    throw err;
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function loadStack(opts: LaneOptions, root: string): { stack: PolicyStack; mission: Mission | undefined } {
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
  return { stack, mission };
}

function priceTable(stack: PolicyStack, overrides: unknown): ReturnType<typeof mergePrices> {
  try {
    // Layer prices apply in order (workspace, mission, then managed last so an org can pin
    // them), then the editor settings' overrides.
    let prices = DEFAULT_PRICES;
    const ordered = [...stack.layers.filter((l) => l.layer !== 'managed'), ...stack.layers.filter((l) => l.layer === 'managed')];
    for (const l of ordered) if (l.doc.prices) prices = mergePrices(prices, l.doc.prices);
    return mergePrices(prices, overrides ?? {});
  } catch (err) {
    throw new LaneError(`price overrides are invalid: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
  }
}

/** The agent's model endpoint when it is a loopback service (a local gateway or a test's fake API). */
function loopbackModel(env: Record<string, string | undefined>): { host: string; port: number; path: string } | undefined {
  const raw = env.ANTHROPIC_BASE_URL;
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
    return { host: u.hostname === '[::1]' ? '::1' : u.hostname, port: Number(u.port || 80), path: u.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

/** The model's host when the agent talks to a remote API directly (allowed through the proxy). */
function modelHost(env: Record<string, string | undefined>): string | undefined {
  if (loopbackModel(env)) return undefined;
  const raw = env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com';
  try { return new URL(raw).hostname.toLowerCase(); } catch { return undefined; }
}

/** The egress proxy asks the policy the same question a WebFetch to that host would. */
function hostVerdict(
  broker: SessionBroker, ctx: Parameters<typeof evaluate>[2], host: string, port: number, model: string | undefined,
): { allow: boolean; reason: string } {
  if (broker.state === 'ended') return { allow: false, reason: 'the supervised session has ended' };
  if (broker.state === 'frozen') return { allow: false, reason: `the session is frozen: ${broker.frozenBecause ?? ''}` };
  if (model && host === model) return { allow: true, reason: 'the agent\'s model endpoint' };
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const e = evaluate({ tool: 'WebFetch', input: { url, prompt: '' } }, broker.policy, ctx);
  const r = e.reasons[0];
  if (e.decision === 'allow') return { allow: true, reason: r?.message ?? 'allowed' };
  const where = r?.line ? ` (${r.layer} ${r.rule}, line ${r.line})` : r ? ` (${r.layer} ${r.rule})` : '';
  const why = e.decision === 'ask' ? `${r?.message ?? host} — asks need a human, so the sandbox refuses it (use WebFetch to ask)` : r?.message ?? `\`${host}\` is not allowed`;
  return { allow: false, reason: `${why}${where}` };
}
