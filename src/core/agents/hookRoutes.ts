/**
 * The translation layer between other agents' hook clients and the broker: one pre-tool and one
 * post-tool route per adapter on the lane's hook server (same bearer token as Claude's http
 * hooks). The pre-tool route answers in the hook client's text protocol: `allow`, or
 * `deny <reason>` — and every path that cannot decide answers deny with the reason.
 */
import { z } from 'zod';
import { canonicalJson } from '../trace/canonical';
import type { SessionBroker } from '../session/broker';
import type { AgentAdapter, AgentKind } from './adapter';
import type { ExtraRoute, ExtraRouteReply } from './claude-code/hookServer';

export const agentRoutes = (kind: AgentKind): { pre: string; post: string } => ({
  pre: `/hook/agent/${kind}/pre-tool`,
  post: `/hook/agent/${kind}/post-tool`,
});

/** The broker's view as the routes need it (SessionBroker satisfies it). */
export type RouteBroker = Pick<SessionBroker, 'preToolUse' | 'postToolUse'>;

const resultSchema = z.looseObject({
  tool_name: z.string().optional(),
  tool_input: z.unknown().optional(),
  tool_use_id: z.string().min(1).optional(),
  tool_response: z.unknown().optional(),
});

const MAX_UNPAIRED = 1000;

export function agentHookRoutes(adapter: AgentAdapter, broker: RouteBroker, idPrefix: string): Record<string, ExtraRoute> {
  const routes = agentRoutes(adapter.kind);
  let n = 0;
  // Gemini's after-tool payload carries no id: pair it with the decision by tool and input.
  const unpaired = new Map<string, string[]>();
  const pairKey = (body: unknown): string => {
    const b = (body ?? {}) as { tool_name?: unknown; tool_input?: unknown };
    return `${String(b.tool_name)}\0${canonicalJson((b.tool_input ?? null) as never)}`;
  };
  const deny = (reason: string): ExtraRouteReply => ({ status: 200, text: `deny ${oneLine(reason)}` });

  return {
    [routes.pre]: async (body) => {
      try {
        const mapped = adapter.mapToolCall(body, `${idPrefix}-${++n}`);
        if (!mapped.ok) return deny(`Agent Lane: ${mapped.reason}`);
        const answer = await broker.preToolUse(mapped.call);
        if (answer.decision !== 'allow') return deny(answer.reason || 'Agent Lane: denied');
        const key = pairKey(body);
        const ids = unpaired.get(key) ?? [];
        ids.push(mapped.call.toolUseId);
        unpaired.set(key, ids);
        if (unpaired.size > MAX_UNPAIRED) unpaired.delete(unpaired.keys().next().value as string);
        return { status: 200, text: 'allow' };
      } catch (err) {
        return deny(`Agent Lane could not decide (${err instanceof Error ? err.message : String(err)}); denied to stay safe`);
      }
    },
    [routes.post]: async (body) => {
      const r = resultSchema.safeParse(body);
      if (!r.success) return { status: 400, body: { error: 'malformed after-tool payload' } };
      const key = pairKey(body);
      const queue = unpaired.get(key);
      const id = r.data.tool_use_id ?? queue?.[0];
      if (queue) {
        const i = queue.indexOf(id ?? '');
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) unpaired.delete(key);
      }
      if (!id) return { status: 200, text: 'unpaired' };
      await broker.postToolUse({ toolUseId: id, ok: true, exitCode: exitCodeOf(r.data.tool_response) });
      return { status: 200, text: 'recorded' };
    },
  };
}

/** The hook client prints the reason as the CLI's block message: one line reads best. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function exitCodeOf(response: unknown): number | null {
  if (response && typeof response === 'object') {
    for (const key of ['exit_code', 'exitCode', 'code']) {
      const v = (response as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isInteger(v)) return v;
    }
  }
  return null;
}
