/**
 * Gemini CLI tools → the tools the policy engine already decides (src/core/policy/toolActions.ts
 * speaks Claude Code's vocabulary, so the same rules decide every agent). A tool whose input
 * cannot be mapped precisely is denied with a reason the model can act on; a tool we do not know
 * keeps its own name and the engine denies it unless the policy lists it.
 */
import { z } from 'zod';
import type { ToolCall } from '../../session/types';
import type { MappedCall } from '../adapter';
import { shQuote } from '../hookClient/script';

/** Gemini's own bookkeeping: touches nothing outside the agent. */
const INERT = new Set(['write_todos', 'complete_task', 'enter_plan_mode', 'exit_plan_mode', 'ask_user']);

const pathField = z.object({ file_path: z.string().min(1).optional(), absolute_path: z.string().min(1).optional(), path: z.string().min(1).optional() });
const dirField = z.object({ dir_path: z.string().min(1).optional(), directory: z.string().min(1).optional(), path: z.string().min(1).optional() });
const shellInput = z.object({ command: z.string() }).and(dirField);
const globInput = z.object({ pattern: z.string().min(1) }).and(dirField);
const grepInput = z.object({ pattern: z.string(), include: z.string().optional() }).and(dirField);
const readManyInput = z.object({ paths: z.array(z.string().min(1)).optional(), include: z.array(z.string().min(1)).optional() });
const webFetchInput = z.object({ prompt: z.string().optional(), url: z.string().optional() });
const searchInput = z.object({ query: z.string() });

type Built = { tool: string; input: unknown } | { error: string };

export function mapGeminiTool(toolName: string, rawInput: unknown): Built {
  const parse = <T>(schema: z.ZodType<T>): T | { error: string } => {
    const r = schema.safeParse(rawInput ?? {});
    if (r.success) return r.data;
    const i = r.error.issues[0];
    return { error: `malformed \`${toolName}\` input: ${i.path.join('.') || 'input'} ${i.message.toLowerCase()}` };
  };
  const failed = (v: unknown): v is { error: string } => typeof v === 'object' && v !== null && 'error' in v;
  const dirOf = (v: z.infer<typeof dirField>): string | undefined => v.dir_path ?? v.directory ?? v.path;

  switch (toolName) {
    case 'run_shell_command': {
      const v = parse(shellInput);
      if (failed(v)) return v;
      const dir = dirOf(v);
      // The shell analyser follows a static `cd`: relative paths then resolve where Gemini runs them.
      return { tool: 'Bash', input: { command: dir ? `cd ${shQuote(dir)} && ${v.command}` : v.command } };
    }
    case 'read_file': {
      const v = parse(pathField);
      if (failed(v)) return v;
      const p = v.file_path ?? v.absolute_path ?? v.path;
      return p ? { tool: 'Read', input: { file_path: p } } : { error: '`read_file` names no file (file_path)' };
    }
    case 'write_file':
    case 'replace': {
      const v = parse(pathField);
      if (failed(v)) return v;
      const p = v.file_path ?? v.absolute_path ?? v.path;
      if (!p) return { error: `\`${toolName}\` names no file (file_path)` };
      return { tool: toolName === 'write_file' ? 'Write' : 'Edit', input: { file_path: p } };
    }
    case 'glob': {
      const v = parse(globInput);
      if (failed(v)) return v;
      return { tool: 'Glob', input: { pattern: v.pattern, ...(dirOf(v) ? { path: dirOf(v) } : {}) } };
    }
    case 'list_directory': {
      const v = parse(dirField);
      if (failed(v)) return v;
      const dir = dirOf(v);
      return dir ? { tool: 'Glob', input: { pattern: '*', path: dir } } : { error: '`list_directory` names no directory (dir_path)' };
    }
    case 'search_file_content':
    case 'grep_search': {
      const v = parse(grepInput);
      if (failed(v)) return v;
      return { tool: 'Grep', input: { pattern: v.pattern, ...(dirOf(v) ? { path: dirOf(v) } : {}), ...(v.include ? { glob: v.include } : {}) } };
    }
    case 'read_many_files': {
      const v = parse(readManyInput);
      if (failed(v)) return v;
      const all = [...(v.paths ?? []), ...(v.include ?? [])];
      // The engine decides one path (or glob) per call; several would need several decisions.
      if (all.length !== 1) {
        return { error: `\`read_many_files\` with ${all.length} paths: Agent Lane decides one path or glob per call; read the files one at a time with \`read_file\`` };
      }
      return { tool: 'Grep', input: { pattern: '', glob: all[0] } };
    }
    case 'web_fetch': {
      const v = parse(webFetchInput);
      if (failed(v)) return v;
      const urls = v.url ? [v.url] : extractUrls(v.prompt ?? '');
      if (urls.length !== 1) {
        return { error: `\`web_fetch\` with ${urls.length} URLs: Agent Lane decides one URL per call; fetch them one at a time` };
      }
      return { tool: 'WebFetch', input: { url: urls[0] } };
    }
    case 'google_web_search': {
      const v = parse(searchInput);
      if (failed(v)) return v;
      return { tool: 'WebSearch', input: { query: v.query } };
    }
    default:
      if (INERT.has(toolName)) return { tool: 'TodoWrite', input: {} };
      // MCP tools and anything new keep their name: the engine denies unknown tools unless listed.
      return { tool: toolName, input: rawInput };
  }
}

function extractUrls(text: string): string[] {
  return [...new Set(text.match(/\bhttps?:\/\/[^\s<>"'`)\]]+/gi) ?? [])];
}

export function geminiCall(payload: { tool_name: string; tool_input: unknown; cwd?: string }, toolUseId: string): MappedCall {
  const built = mapGeminiTool(payload.tool_name, payload.tool_input);
  if ('error' in built) return { ok: false, reason: built.error };
  const call: ToolCall = { toolUseId, tool: built.tool, input: built.input, ...(payload.cwd ? { cwd: payload.cwd } : {}) };
  return { ok: true, call };
}
