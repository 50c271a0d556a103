/** What a tool call looks like in the trace and the UI: redacted, short, never file contents. */
import type { Action, ToolRequest } from '../policy/types';
import { redactCommand, redactText } from '../trace/redact';

export type PrimaryAction = 'shell.exec' | 'file.read' | 'file.write' | 'net.fetch' | 'mcp.call' | 'agent.spawn' | 'none';

export interface CallSummary {
  /** One line for people: the redacted command, the path, the URL or the MCP tool. */
  text: string;
  action: PrimaryAction;
  cmdHash: string | null;
  cmdRedacted: string | null;
  paths: string[];
  hosts: string[];
  counts: Array<{ kind: Action['kind']; count: number }>;
}

function field(input: unknown, key: string): string | undefined {
  if (input && typeof input === 'object' && key in input) {
    const v = (input as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Paths inside the workspace are shown (and traced) relative to it: shorter, and no home directory names. */
function shown(p: string, root: string | undefined): string {
  if (!root || !p.startsWith('/')) return p;
  const r = root.replace(/\/+$/, '');
  if (p === r) return '.';
  return p.startsWith(`${r}/`) ? p.slice(r.length + 1) : p;
}

export function summariseCall(req: ToolRequest, actions: readonly Action[], workspaceRoot?: string): CallSummary {
  const command = req.tool === 'Bash' ? field(req.input, 'command') : undefined;
  const red = command !== undefined ? redactCommand(command) : undefined;
  const paths = [...new Set(actions.flatMap((a) => (a.kind === 'file.read' || a.kind === 'file.write' ? [redactText(shown(a.path, workspaceRoot))] : [])))];
  const hosts = [...new Set(actions.flatMap((a) => (a.kind === 'net.fetch' && a.host ? [a.host] : [])))];
  const counts = new Map<Action['kind'], number>();
  for (const a of actions) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const has = (k: Action['kind']): boolean => counts.has(k);
  const action: PrimaryAction = req.tool === 'Bash' ? 'shell.exec'
    : has('file.write') ? 'file.write'
    : has('mcp.call') ? 'mcp.call'
    : has('net.fetch') ? 'net.fetch'
    : has('file.read') ? 'file.read'
    : has('agent.spawn') ? 'agent.spawn'
    : 'none';
  let text: string;
  if (red) text = red.redacted;
  else if (action === 'mcp.call') text = req.tool;
  else if (field(req.input, 'url')) text = redactText(field(req.input, 'url')!);
  else if (paths.length) text = paths.join(', ');
  else if (field(req.input, 'description')) text = redactText(field(req.input, 'description')!);
  else text = req.tool;
  return {
    text: text.length > 300 ? `${text.slice(0, 299)}…` : text,
    action,
    cmdHash: red?.cmd_hash ?? null,
    cmdRedacted: red?.redacted ?? null,
    paths,
    hosts,
    counts: [...counts].map(([kind, count]) => ({ kind, count })),
  };
}
