/** Codex CLI (`@openai/codex`) behind the lane's adapter interface. */
import type { AgentAdapter } from '../adapter';
import { commandNames } from '../adapter';
import { prepareCodex } from './config';
import { preToolUseSchema } from './payloads';
import { codexCall } from './tools';

export function codexAdapter(argv: readonly string[] = []): AgentAdapter {
  return {
    kind: 'codex',
    displayName: 'Codex CLI',
    detect: (a) => commandNames(a).some((n) => n === 'codex' || n === '@openai/codex' || n.startsWith('@openai/codex@')),
    prepare: (input) => prepareCodex(input, argv),
    mapToolCall: (payload) => {
      const r = preToolUseSchema.safeParse(payload);
      if (!r.success) {
        const i = r.error.issues[0];
        return { ok: false, reason: `malformed Codex hook payload: ${i.path.join('.') || 'body'}: ${i.message}` };
      }
      return codexCall(r.data);
    },
    // Exit 2 + stderr holds; an `allow` answer is a hook failure (the tool runs), so allow prints nothing.
    denyOutput: (reason) => ({ exitCode: 2, stdout: '', stderr: `${reason.trim() || 'denied by Agent Lane'}\n` }),
    versionArgs: ['--version'],
    parseVersion: (out) => /(\d+\.\d+\.\d+[\w.-]*)/.exec(out)?.[1],
  };
}
