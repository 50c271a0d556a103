/**
 * Claude Code tool calls → actions. One place knows every tool's input shape; an unknown
 * tool or a malformed input never becomes "nothing to check" — it becomes a reason to deny.
 */
import { z } from 'zod';
import type { Action, ToolRequest } from './types';

/** Tools that touch nothing outside the agent's own bookkeeping. */
const INERT_TOOLS = new Set([
  'TodoWrite', 'TodoRead', 'ExitPlanMode', 'EnterPlanMode', 'BashOutput', 'KillShell', 'KillBash',
  'AskUserQuestion', 'SlashCommand', 'Skill', 'TaskOutput', 'TaskStop', 'TaskCreate', 'TaskGet',
  'TaskList', 'TaskUpdate', 'ToolSearch', 'ListMcpResourcesTool', 'ReadMcpResourceTool',
]);

const filePath = z.object({ file_path: z.string().min(1) });
const notebookPath = z.object({ notebook_path: z.string().min(1) });
const bashInput = z.object({ command: z.string() });
const globInput = z.object({ pattern: z.string().min(1), path: z.string().optional() });
const grepInput = z.object({ pattern: z.string(), path: z.string().optional(), glob: z.string().optional() });
const webFetchInput = z.object({ url: z.string().min(1) });
const webSearchInput = z.object({ query: z.string() });
// Agent-neutral: a patch that touches several files (Codex apply_patch, parsed by its adapter).
const applyPatchInput = z.object({ files: z.array(z.string().min(1)).min(1) });
const agentInput = z.object({ description: z.string().optional(), prompt: z.string().optional(), subagent_type: z.string().optional() });

export type ToolActionsResult =
  | { ok: true; actions: Action[]; known: boolean }
  | { ok: false; error: string };

export interface ToolActionDeps {
  analyzeShell: (command: string) => Action[];
  hostOf: (url: string) => { host: string; port?: number } | undefined;
}

export function toolActions(req: ToolRequest, deps: ToolActionDeps): ToolActionsResult {
  const parse = <T>(schema: z.ZodType<T>): T | string => {
    const r = schema.safeParse(req.input);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    return `malformed \`${req.tool}\` input: ${issue.path.join('.') || 'input'} ${issue.message.toLowerCase()}`;
  };
  const fail = (v: unknown): v is string => typeof v === 'string';
  const tool = req.tool;

  if (tool.startsWith('mcp__')) {
    const rest = tool.slice('mcp__'.length);
    const sep = rest.indexOf('__');
    if (sep <= 0) return { ok: false, error: `malformed mcp tool name \`${tool}\`: expected mcp__<server>__<tool>` };
    return { ok: true, known: true, actions: [{ kind: 'mcp.call', server: rest.slice(0, sep), tool: rest.slice(sep + 2) }] };
  }

  switch (tool) {
    case 'Bash': {
      const v = parse(bashInput);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: deps.analyzeShell(v.command) };
    }
    case 'Read': {
      const v = parse(filePath);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'file.read', path: v.file_path, via: 'Read' }] };
    }
    case 'Write':
    case 'Edit':
    case 'MultiEdit': {
      const v = parse(filePath);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'file.write', path: v.file_path, via: tool }] };
    }
    case 'ApplyPatch': {
      // Every file a patch adds, updates, deletes or moves (both ends) is a write of that path.
      const v = parse(applyPatchInput);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: v.files.map((p) => ({ kind: 'file.write' as const, path: p, via: 'ApplyPatch' })) };
    }
    case 'NotebookEdit': {
      const v = parse(notebookPath);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'file.write', path: v.notebook_path, via: tool }] };
    }
    case 'NotebookRead': {
      const v = parse(notebookPath);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'file.read', path: v.notebook_path, via: tool }] };
    }
    case 'Glob': {
      // Glob lists names, it reads no content: it touches the directory it lists.
      const v = parse(globInput);
      if (fail(v)) return { ok: false, error: v };
      const base = v.path ?? '.';
      const patternPath = joinGlob(base, v.pattern);
      const actions: Action[] = [{ kind: 'file.read', path: staticPrefix(patternPath), via: 'Glob' }];
      // a `path` that is a file, or one the pattern cannot leave, is what the listing names
      if (staticPrefix(patternPath) !== base) actions.push({ kind: 'file.read', path: base, via: 'Glob' });
      return { ok: true, known: true, actions };
    }
    case 'Grep': {
      // Grep prints file contents: a recursive search reads everything below its path.
      const v = parse(grepInput);
      if (fail(v)) return { ok: false, error: v };
      const base = v.path ?? '.';
      const target = v.glob ? joinGlob(base, v.glob.includes('/') ? v.glob : `**/${v.glob}`) : joinGlob(base, '**');
      // `path` may be a file (`.env`): then the search reads that file itself, whatever the glob says
      return { ok: true, known: true, actions: [
        { kind: 'file.read', path: base, via: 'Grep' },
        { kind: 'file.read', path: target, glob: true, via: 'Grep' },
      ] };
    }
    case 'WebFetch': {
      const v = parse(webFetchInput);
      if (fail(v)) return { ok: false, error: v };
      const h = deps.hostOf(v.url);
      if (!h) return { ok: false, error: `cannot tell the host of \`${v.url}\`` };
      return { ok: true, known: true, actions: [{ kind: 'net.fetch', host: h.host, port: h.port, url: v.url, via: 'WebFetch' }] };
    }
    case 'WebSearch': {
      const v = parse(webSearchInput);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'net.fetch', host: '', via: 'WebSearch' }] };
    }
    case 'Agent':
    case 'Task': {
      const v = parse(agentInput);
      if (fail(v)) return { ok: false, error: v };
      return { ok: true, known: true, actions: [{ kind: 'agent.spawn', description: v.description ?? v.subagent_type ?? 'subagent' }] };
    }
    default:
      if (INERT_TOOLS.has(tool)) return { ok: true, known: true, actions: [] };
      return { ok: true, known: false, actions: [] };
  }
}

function joinGlob(base: string, pattern: string): string {
  if (pattern.startsWith('/') || pattern.startsWith('~')) return pattern;
  return `${base.replace(/\/+$/, '')}/${pattern}`;
}

/** The directory part of a glob before its first wildcard segment. */
function staticPrefix(glob: string): string {
  const segs = glob.split('/');
  const i = segs.findIndex((s) => /[*?[{]/.test(s));
  const prefix = (i === -1 ? segs : segs.slice(0, i)).join('/');
  return prefix === '' ? (glob.startsWith('/') ? '/' : '.') : prefix;
}
