/**
 * Claude Code behind the lane's adapter interface. Its hooks are http hooks with
 * `onFailure: "block"` posting straight to the hook server (no hook client process), so
 * `mapToolCall` is only the payload check the server already does; behaviour is unchanged.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AgentAdapter } from '../adapter';
import { commandNames } from '../adapter';
import { preToolUseSchema } from './payloads';
import { claudeSettings } from './settings';

export function claudeCodeAdapter(argv: readonly string[] = []): AgentAdapter {
  return {
    kind: 'claude-code',
    displayName: 'Claude Code',
    detect: (a) => commandNames(a).some((n) => /claude/i.test(n)),
    prepare: async (input) => {
      const settingsFile = path.join(input.sessionDir, 'settings.json');
      const settings = claudeSettings({
        baseUrl: input.hookBaseUrl,
        token: input.token || undefined,
        hookTimeoutSeconds: input.hookTimeoutSeconds,
        statusLineCommand: input.statusLineCommand,
      });
      await fsp.writeFile(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
      const args = ['--settings', settingsFile, '--session-id', input.sessionId];
      if (input.model && !argv.includes('--model')) args.push('--model', input.model);
      return { args, env: {}, unsetEnv: [], files: [settingsFile], configFile: settingsFile };
    },
    mapToolCall: (payload) => {
      const r = preToolUseSchema.safeParse(payload);
      if (!r.success) return { ok: false, reason: `malformed hook payload: ${r.error.issues[0].path.join('.') || 'body'}: ${r.error.issues[0].message}` };
      const p = r.data;
      return { ok: true, call: { toolUseId: p.tool_use_id, tool: p.tool_name, input: p.tool_input, cwd: p.cwd, agentId: p.agent_id, agentType: p.agent_type } };
    },
    denyOutput: (reason) => ({
      exitCode: 0,
      stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } }),
      stderr: '',
    }),
    versionArgs: ['--version'],
    parseVersion: (out) => /(\d+\.\d+\.\d+[\w.-]*)/.exec(out)?.[1],
  };
}
