/**
 * `agentlane run [...] -- <agent command>`: a supervised lane without VS Code, for CI
 * pipelines and for our end-to-end tests. Starts a broker, generates the agent's settings,
 * runs the agent with them, forwards its exit code, and prints where the trace is.
 *
 * Kill switch from outside: `kill -USR1 <pid of agentlane>` freezes the session.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { parse, UsageError, type Io } from './args';
import { openLane, LaneError } from '../core/session/lane';
import { initShellParser } from '../core/shell';
import { runApprover } from './approver';
import { parseSupervisor, supervisorFromGit } from './identity';
import { defaultTraceDir } from './paths';
import { PolicyError } from './policyContext';
import { VERSION } from './version';
import { openSink } from '../core/ledger/openSink';
import { LedgerSync } from '../core/ledger/sync';
import { LedgerError } from '../core/ledger/errors';
import { resolveLedgerAddress } from '../core/ledger/secrets';
// --- agent adapters (issue 13) ---
import { resolveAgent } from '../core/agents/registry';
import { modelFromArgs } from '../core/agents/adapter';
import { detectAgentVersion } from '../core/agents/version';
// --- end agent adapters ---

/**
 * Ships the finished trace to the ledger. A failure does not change the agent's exit code:
 * the trace stays on disk and `agentlane ledger sync` catches up later; we say so loudly.
 */
async function shipTrace(url: string, traceFile: string, traceDir: string, io: Io): Promise<void> {
  let sink;
  try {
    sink = openSink(url, { cwd: io.cwd });
    await sink.init?.();
    const sync = new LedgerSync({ sink, stateDir: path.join(traceDir, '.ledger-state') });
    const r = await sync.syncOnce(traceFile);
    io.err(`agentlane: ledger ${sink.display}: ${r.ackedSeq + 1} events stored`);
  } catch (err) {
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    io.err(`agentlane: ledger sync failed (${reason}); the trace stays in ${traceDir} — run \`agentlane ledger sync --trace-dir ${traceDir} --ledger …\` later`);
  } finally {
    await sink?.close().catch(() => undefined);
  }
}

export async function runCommand(args: string[], io: Io): Promise<number> {
  // The kill switch must work from the first instant: an unhandled SIGUSR1 would open Node's
  // inspector (a code-execution channel into the broker). A freeze that arrives before the
  // broker exists is remembered and applied as soon as the session starts.
  const killSwitch = { early: false, apply: undefined as undefined | (() => void) };
  const onUsr1 = (): void => { if (killSwitch.apply) killSwitch.apply(); else killSwitch.early = true; };
  process.on('SIGUSR1', onUsr1);
  // The handler stays installed until the process ends: SIGUSR1 is never left to Node's default.
  return runLane(args, io, killSwitch);
}

async function runLane(args: string[], io: Io, killSwitch: { early: boolean; apply: undefined | (() => void) }): Promise<number> {
  const sep = args.indexOf('--');
  if (sep === -1 || sep === args.length - 1) throw new UsageError('run needs the agent command after `--`, e.g. `agentlane run -- claude -p "fix the tests"`');
  const agentCmd = args.slice(sep + 1);
  const { values } = parse(args.slice(0, sep), {
    cwd: { type: 'string' }, policy: { type: 'string' }, managed: { type: 'string' }, mission: { type: 'string' },
    'trace-dir': { type: 'string' }, approver: { type: 'string' }, 'approve-none': { type: 'boolean' },
    'approval-timeout': { type: 'string' }, supervisor: { type: 'string' }, agent: { type: 'string' },
    durability: { type: 'string' }, ledger: { type: 'string' }, 'ledger-file': { type: 'string' },
  });
  // Resolved before the agent starts: a bad address fails now, and its password is scrubbed from the agent's env.
  const ledger = await resolveLedgerAddress({ flag: values.ledger, file: values['ledger-file'] && path.resolve(io.cwd, values['ledger-file']), env: process.env })
    .catch((err: unknown) => { throw LedgerError.is(err) ? new UsageError(err.message) : err; });
  if (values.approver && values['approve-none']) throw new UsageError('give either --approver CMD or --approve-none, not both');
  // --- agent adapters (issue 13): --agent, else recognised from the command ---
  const resolved = resolveAgent(agentCmd, values.agent);
  if (!resolved.ok) throw new UsageError(resolved.reason);
  const agentKind = resolved.adapter.kind;
  // --- end agent adapters ---
  const timeoutSec = values['approval-timeout'] ? Number(values['approval-timeout']) : 540;
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError('--approval-timeout must be a positive number of seconds');
  if (values.durability && values.durability !== 'fsync' && values.durability !== 'none') throw new UsageError('--durability is fsync or none');

  const root = path.resolve(io.cwd, values.cwd ?? '.');
  const modelId = modelFromArgs(agentCmd.slice(1));
  const agentVersion = await detectAgentVersion(agentCmd, resolved.adapter);
  await initShellParser({ wasmDir: __dirname });

  let lane;
  try {
    lane = await openLane({
      workspaceRoot: root,
      policyFile: values.policy ? path.resolve(io.cwd, values.policy) : undefined,
      managedFile: values.managed === 'none' ? false : values.managed ? path.resolve(io.cwd, values.managed) : undefined,
      missionFile: values.mission ? path.resolve(io.cwd, values.mission) : undefined,
      traceDir: path.resolve(io.cwd, values['trace-dir'] ?? defaultTraceDir()),
      supervisor: values.supervisor ? parseSupervisor(values.supervisor) : supervisorFromGit(root),
      agent: { name: agentKind, version: agentVersion ?? 'unknown' },
      extensionVersion: VERSION,
      modelId,
      approvalTimeoutMs: timeoutSec * 1000,
      hookTimeoutSeconds: Math.ceil(timeoutSec) + 60,
      durability: values.durability === 'none' ? 'none' : 'fsync',
      // Git hooks exec this very bundle; from sources (tsx) there is no bundle to exec.
      cliPath: __filename.endsWith('.js') ? __filename : undefined,
      ledgerUrl: ledger?.url,
      // The ledger's directory and the file holding its address are the lane's, never the agent's.
      laneDirs: [...ledgerDirs(ledger?.url, io.cwd), ...(values['ledger-file'] ? [path.resolve(io.cwd, values['ledger-file'])] : [])],
      agentKind,
      agentArgv: agentCmd,
    });
  } catch (err) {
    if (LaneError.is(err)) throw new PolicyError(err.reason);
    throw err;
  }

  const broker = lane.broker;
  broker.onDidChangeApprovals((pending) => {
    for (const a of pending) {
      if (handled.has(a.id)) continue;
      handled.add(a.id);
      if (values.approver) {
        io.err(`agentlane: approval ${a.id} for ${a.tool} \`${a.summary}\` → asking the approver`);
        void runApprover(values.approver, a, timeoutSec * 1000).then((answer) => {
          try { broker.answerApproval(a.id, answer); } catch { /* already settled (timeout / freeze) */ }
        });
      } else {
        const why = values['approve-none'] ? 'this headless lane approves nothing (--approve-none)' : 'no approver in this headless lane (pass --approver CMD)';
        queueMicrotask(() => {
          try { broker.answerApproval(a.id, { kind: 'deny', by: 'system', reason: why }); } catch { /* settled */ }
        });
      }
    }
  });
  const handled = new Set<string>();
  broker.onDidChangeState(({ state, reason }) => {
    if (state === 'frozen') io.err(`agentlane: session frozen: ${reason ?? ''}`);
  });
  // --- model gateway (issue 12): say why a model request was refused, where the person looks ---
  lane.gateway.onRefused((e) => io.err(`agentlane: model request refused: ${e.message}`));
  lane.gateway.onCap((c) => { if (c.level === 'warn') io.err(`agentlane: ${c.message ?? ''}`); });
  // --- end model gateway ---
  killSwitch.apply = (): void => { void broker.freeze('operator (SIGUSR1)', 'kill switch: frozen by the operator', 'supervisor'); };
  if (killSwitch.early) killSwitch.apply();

  const cmd = agentCmd[0];
  const launch = lane.agentCommand(agentCmd, { interactive: Boolean(process.stdin.isTTY) });
  io.err(lane.sandbox.state === 'on'
    ? `agentlane: the agent runs in the sandbox (${lane.sandbox.backend}${lane.sandbox.limits.length ? `; ${lane.sandbox.limits.join(', ')}` : ''})`
    : `agentlane: WARNING the agent runs WITHOUT a sandbox: ${lane.sandbox.reason}`);
  const child = spawn(launch.file, launch.args, { cwd: root, stdio: 'inherit', env: launch.env });
  const forward = (sig: NodeJS.Signals) => (): void => { child.kill(sig); };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const exitCode = await new Promise<number>((resolve) => {
    child.on('error', (err) => {
      io.err(`agentlane: cannot start \`${cmd}\`: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  await lane.close(exitCode === 0 ? 'agent exited' : `agent exited with ${exitCode}`, exitCode);
  const cp = broker.checkpoint();
  io.err(`agentlane: trace ${lane.traceFile} (${cp.seq + 1} events, head ${cp.head.slice(0, 16)}…)`);
  if (ledger) await shipTrace(ledger.url, lane.traceFile, path.dirname(lane.traceFile), io);
  return exitCode;
}

/** A directory ledger is the lane's own store: the agent must not see it. */
function ledgerDirs(url: string | undefined, cwd: string): string[] {
  if (!url || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return [];
  return [path.resolve(cwd, url.replace(/^dir:/, ''))];
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[sig] ?? 0;
}
