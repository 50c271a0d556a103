/** Gemini CLI (`@google/gemini-cli`) behind the lane's adapter interface. */
import type { AgentAdapter } from '../adapter';
import { commandNames } from '../adapter';
import { prepareGemini } from './config';
import { beforeToolSchema } from './payloads';
import { geminiCall } from './tools';

export function geminiAdapter(argv: readonly string[] = []): AgentAdapter {
  return {
    kind: 'gemini',
    displayName: 'Gemini CLI',
    detect: (a) => commandNames(a).some((n) => n === 'gemini' || n === '@google/gemini-cli' || n.startsWith('@google/gemini-cli@')),
    prepare: (input) => prepareGemini(input, argv),
    mapToolCall: (payload, fallbackId) => {
      const r = beforeToolSchema.safeParse(payload);
      if (!r.success) {
        const i = r.error.issues[0];
        return { ok: false, reason: `malformed Gemini hook payload: ${i.path.join('.') || 'body'}: ${i.message}` };
      }
      return geminiCall(r.data, fallbackId);
    },
    // Exit 2 with the reason on stderr blocks; exit 2 with an EMPTY stderr fails open.
    denyOutput: (reason) => ({ exitCode: 2, stdout: '', stderr: `${reason.trim() || 'denied by Agent Lane'}\n` }),
    versionArgs: ['--version'],
    parseVersion: (out) => /(\d+\.\d+\.\d+[\w.-]*)/.exec(out)?.[1],
  };
}
