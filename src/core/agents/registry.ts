/**
 * Which adapter runs a command line: `--agent` (or the VS Code setting `agentLane.agent.kind`)
 * when given, else recognised from the command. A command nobody recognises does not start:
 * guessing would put the wrong hooks (none that hold) around an agent.
 */
import { isAgentKind, AGENT_KINDS, type AgentAdapter, type AgentKind } from './adapter';
import { claudeCodeAdapter } from './claude-code/adapter';
import { codexAdapter } from './codex/adapter';
import { geminiAdapter } from './gemini/adapter';

const FACTORIES: Record<AgentKind, (argv: readonly string[]) => AgentAdapter> = {
  'claude-code': claudeCodeAdapter,
  gemini: geminiAdapter,
  codex: codexAdapter,
};

export type ResolveAgent = { ok: true; adapter: AgentAdapter } | { ok: false; reason: string };

export function resolveAgent(argv: readonly string[], explicit?: string): ResolveAgent {
  if (explicit !== undefined && explicit !== '' && explicit !== 'auto') {
    if (!isAgentKind(explicit)) return { ok: false, reason: `unknown agent \`${explicit}\`; known: ${AGENT_KINDS.join(', ')}` };
    return { ok: true, adapter: FACTORIES[explicit](argv) };
  }
  for (const kind of AGENT_KINDS) {
    const a = FACTORIES[kind](argv);
    if (a.detect(argv)) return { ok: true, adapter: a };
  }
  return { ok: false, reason: `cannot tell which agent \`${argv[0] ?? ''}\` is; pass --agent ${AGENT_KINDS.join('|')}` };
}

export function adapterFor(kind: AgentKind, argv: readonly string[] = []): AgentAdapter {
  return FACTORIES[kind](argv);
}
