/**
 * Fixture builders for the audit tests: sessions written by the REAL TraceWriter (durability
 * 'none' for speed, a pinned clock), tamperings applied to the bytes afterwards, and an
 * in-memory Io for calling the CLI commands.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Io } from '../../../src/cli/args';
import { canonicalJson, hashCanonicalBody, lineFromBody } from '../../../src/core/trace/canonical';
import type { RuleRef, Supervisor, TraceEvent, TraceEventInput } from '../../../src/core/trace/schema';
import { TraceWriter } from '../../../src/core/trace/writer';

export const POLICY_HASH = 'c1'.repeat(32);
export const ANA: Supervisor = { name: 'Ana Auditor', email: 'ana@example.com' };

export interface SessionSpec {
  sessionId: string;
  missionId?: string | null;
  supervisor?: Supervisor | null;
  /** ISO time of the first event; each later event is one second after the one before. */
  t0?: string;
  cwd?: string;
  policyFiles?: Array<{ layer: 'managed' | 'workspace' | 'user' | 'mission'; file: string; hash: string }>;
}

export interface ToolSpec {
  tool?: string;
  action?: 'shell.exec' | 'file.read' | 'file.write' | 'net.fetch' | 'mcp.call' | 'none';
  kinds?: Array<'file.read' | 'file.write' | 'shell.exec' | 'net.fetch'>;
  paths?: string[];
  hosts?: string[];
  decision?: 'allow' | 'ask' | 'deny';
  rule?: string;
  command?: string;
}

const rule = (decision: RuleRef['decision'], name: string): RuleRef => ({ decision, rule: name, layer: 'workspace', line: 3, message: `by \`${name}\`` });

export class SessionBuilder {
  readonly inputs: TraceEventInput[] = [];
  private calls = 0;

  constructor(readonly spec: SessionSpec) {
    this.inputs.push({
      event: 'session.start', actor: 'system', policy_hash: POLICY_HASH, policy_files: spec.policyFiles ?? [],
      agent: { name: 'claude-code', version: '2.1.330' }, model_id: 'claude-sonnet-4-5', extension_version: '0.1.0',
      cwd: spec.cwd ?? '/work/repo', host: 'build-7',
    });
  }

  /** A decided tool call (no human involved). Returns its tool_use_id. */
  tool(t: ToolSpec = {}): string {
    const id = `toolu_${++this.calls}`;
    const decision = t.decision ?? 'allow';
    const kinds = t.kinds ?? [t.action === 'net.fetch' ? 'net.fetch' : t.action === 'file.read' ? 'file.read' : 'file.write'];
    this.inputs.push({
      event: 'tool.decision', actor: 'agent', tool_use_id: id, tool: t.tool ?? 'Edit', action: t.action ?? 'file.write',
      actions: kinds.map((kind) => ({ kind, count: 1 })), cmd_hash: t.command ? 'ab'.repeat(32) : null, cmd_redacted: t.command ?? null,
      paths: t.paths ?? [], hosts: t.hosts ?? [], decision, rules: [rule(decision, t.rule ?? `paths.${decision}[0]`)],
      policy_hash: POLICY_HASH, model_id: 'claude-sonnet-4-5',
    });
    this.inputs.push({ event: 'tool.result', actor: 'agent', tool_use_id: id, exit_code: 0, ok: decision !== 'deny' });
    return id;
  }

  /** A call that asked a human: approval.requested, approval.answered, then the final decision. */
  asked(t: ToolSpec, answer: 'allow-once' | 'allow-session' | 'deny', by: string): string {
    const id = `toolu_${++this.calls}`;
    const approval = `A-${this.calls}`;
    this.inputs.push({ event: 'approval.requested', actor: 'agent', approval_id: approval, tool_use_id: id, reason: 'gated path' });
    this.inputs.push({ event: 'approval.answered', actor: 'supervisor', approval_id: approval, answer, by, reason: answer === 'deny' ? 'not now' : null });
    const allowed = answer !== 'deny';
    this.inputs.push({
      event: 'tool.decision', actor: 'agent', tool_use_id: id, tool: t.tool ?? 'Edit', action: t.action ?? 'file.write',
      actions: [{ kind: 'file.write', count: 1 }], cmd_hash: null, cmd_redacted: null, paths: t.paths ?? [], hosts: [],
      decision: allowed ? 'allow' : 'deny',
      rules: allowed ? [{ ...rule('deny', 'approval.allowed'), decision: 'deny', layer: 'session' }, rule('ask', t.rule ?? 'paths.ask[0]')]
        : [{ ...rule('deny', 'approval.denied'), layer: 'session' }],
      policy_hash: POLICY_HASH, model_id: 'claude-sonnet-4-5',
    });
    if (allowed) this.inputs.push({ event: 'tool.result', actor: 'agent', tool_use_id: id, exit_code: 0, ok: true });
    return id;
  }

  freeze(by: string, reason: string): this {
    this.inputs.push({ event: 'session.freeze', actor: 'supervisor', by, reason });
    return this;
  }

  budget(costUsd: number): this {
    this.inputs.push({ event: 'budget.usage', actor: 'system', usage: { input: 1000, output: 100, cache_write: 0, cache_read: 0 }, cost_usd: costUsd, source: 'statusline' });
    return this;
  }

  ack(ackId: string, tree: string, by: string): this {
    this.inputs.push({ event: 'commit.ack', actor: 'supervisor', ack_id: ackId, tree, diff_hash: 'dd'.repeat(32), ack_by: by, note: null });
    return this;
  }

  commit(sha: string, tree: string, ackId: string | null): this {
    this.inputs.push({ event: 'commit.recorded', actor: 'system', commit_sha: sha, tree, ack_id: ackId });
    return this;
  }

  end(): this {
    this.inputs.push({ event: 'session.end', actor: 'system', reason: 'agent exited', exit_code: 0 });
    return this;
  }

  /** Writes the session with the real writer; appends to `file` if it already holds sessions. */
  async write(file: string): Promise<TraceEvent[]> {
    let tick = 0;
    const t0 = Date.parse(this.spec.t0 ?? '2026-06-01T09:00:00Z');
    const w = await TraceWriter.open(file, {
      sessionId: this.spec.sessionId, missionId: this.spec.missionId ?? null, supervisor: this.spec.supervisor === undefined ? ANA : this.spec.supervisor,
      durability: 'none', now: () => new Date(t0 + 1000 * tick++),
    });
    const out: TraceEvent[] = [];
    try {
      for (const input of this.inputs) out.push(await w.append(input));
    } finally {
      await w.close();
    }
    return out;
  }
}

export const tempDir = (prefix = 'agentlane-audit-'): string => mkdtempSync(path.join(os.tmpdir(), prefix));

/** Lines of a trace file without their newlines (a torn tail stays as the last element). */
export function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const writeLines = (file: string, lines: readonly string[]): void => writeFileSync(file, `${lines.join('\n')}\n`);

/** A correctly hashed line for `body` (what an attacker who can recompute the chain writes). */
export function forgeLine(body: Record<string, unknown>): { line: string; hash: string } {
  const canonical = canonicalJson(body);
  const hash = hashCanonicalBody(canonical);
  return { line: lineFromBody(canonical, hash).slice(0, -1), hash };
}

/** Re-hashes lines [from, end) so each links to the one before: a rewrite only checkpoints catch. */
export function rehashFrom(lines: string[], from: number): string[] {
  const out = lines.slice(0, from);
  let prev = (JSON.parse(lines[from - 1]!) as { hash: string }).hash;
  for (const line of lines.slice(from)) {
    const { hash: _old, ...body } = JSON.parse(line) as Record<string, unknown>;
    const forged = forgeLine({ ...body, prev });
    out.push(forged.line);
    prev = forged.hash;
  }
  return out;
}

export interface MemoryIo extends Io {
  stdout: string[];
  stderr: string[];
  text(): string;
}

export function memoryIo(cwd: string): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l), text: () => [...stdout, ...stderr].join('\n') };
}
