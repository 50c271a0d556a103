/**
 * Codex tools → the tools the policy engine decides.
 *
 * `exec_command`'s workdir is not passed to the hook, so the directory a command runs in is
 * unknown: the command is decided as if it ran after a `cd` to an unknown directory. Commands
 * without relative paths decide as usual; a relative path cannot be placed and the engine
 * applies `shell.unanalyzable` (deny by default), which tells the model to use absolute paths.
 *
 * `apply_patch` through its own tool resolves paths against the session's cwd (which the payload
 * carries); an `apply_patch` heredoc run through the shell would use the unknown workdir, so its
 * relative paths are refused.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { ToolCall } from '../../session/types';
import type { MappedCall } from '../adapter';
import type { CodexPreToolUse } from './payloads';
import { looksLikePatch, parsePatchFiles } from './patch';

/** Shown in decisions: the variable names what the hook could not see. */
export const UNKNOWN_WORKDIR_PREFIX = 'cd "$CODEX_WORKDIR_NOT_PASSED_TO_HOOKS" && ';

const INERT = new Set(['update_plan', 'view_image', 'request_user_input']);
const commandInput = z.looseObject({ command: z.string() });

export function codexCall(p: CodexPreToolUse): MappedCall {
  const base = { toolUseId: p.tool_use_id, ...(p.cwd ? { cwd: p.cwd } : {}) };
  const call = (tool: string, input: unknown): MappedCall => ({ ok: true, call: { ...base, tool, input } satisfies ToolCall });
  const name = p.tool_name;

  if (name.startsWith('mcp__')) return call(name, p.tool_input);
  if (INERT.has(name)) return call('TodoWrite', {});

  const isPatchTool = /^apply_?patch$/i.test(name);
  const isShell = name === 'Bash' || name === 'exec_command' || name === 'shell' || name === 'local_shell';
  if (!isPatchTool && !isShell) return call(name, p.tool_input);

  const r = commandInput.safeParse(p.tool_input);
  if (!r.success) return { ok: false, reason: `malformed \`${name}\` input: ${r.error.issues[0].path.join('.') || 'input'} ${r.error.issues[0].message.toLowerCase()}` };
  const text = r.data.command;

  if (isPatchTool || looksLikePatch(text)) {
    const parsed = parsePatchFiles(text);
    if (!parsed.ok) return { ok: false, reason: `cannot read the patch (${parsed.error}); nothing in it is applied` };
    const viaShell = !isPatchTool;
    const paths: string[] = [];
    for (const f of parsed.files) {
      if (path.isAbsolute(f.path)) paths.push(f.path);
      else if (viaShell || !p.cwd) {
        return { ok: false, reason: `patch path \`${f.path}\` is relative, but the directory it applies in is not known to Agent Lane; use the apply_patch tool or absolute paths` };
      } else paths.push(path.resolve(p.cwd, f.path));
    }
    return call('ApplyPatch', { files: paths });
  }
  return call('Bash', { command: `${UNKNOWN_WORKDIR_PREFIX}${text}` });
}
