/**
 * `agentlane statusline --url URL --token TOKEN`: the command Claude Code runs as its
 * statusLine in interactive sessions. Forwards the CLI's own cost estimate (stdin JSON) to
 * the session's broker and prints the line the broker returns. Never fails loudly: a status
 * line must not break the agent's screen.
 */
import { parse, type Io } from './args';

export async function statuslineCommand(args: string[], io: Io, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const { values } = parse(args, { url: { type: 'string' }, token: { type: 'string' } });
  let input = '';
  for await (const chunk of stdin) input += chunk.toString();
  if (!values.url || !values.token) {
    io.out('Agent Lane · status unavailable');
    return 0;
  }
  try {
    const res = await fetch(`${values.url}/statusline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
      body: input || '{}',
      signal: AbortSignal.timeout(2000),
    });
    const body = (await res.json()) as { text?: unknown };
    io.out(typeof body.text === 'string' && body.text ? body.text : 'Agent Lane');
  } catch {
    io.out('Agent Lane · broker unreachable');
  }
  return 0;
}
