/**
 * `agentlane policy check` — the machine contract other tools depend on:
 * one JSON object per request, same order as the input, exit 0 whatever the decisions.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { evaluate } from '../core/policy/evaluate';
import type { Evaluation, ToolRequest } from '../core/policy/types';
import { parse, UsageError, type Io } from './args';
import { openPolicy } from './policyContext';
import { describeError } from '../core/common/errors';

const batchLine = z.object({ tool: z.string().min(1), input: z.unknown() });

export function toContractJson(e: Evaluation): string {
  return JSON.stringify({
    decision: e.decision,
    reasons: e.reasons.map((r) => ({ rule: r.rule, layer: r.layer, line: r.line ?? null, message: r.message })),
  });
}

function malformed(message: string): Evaluation {
  return { decision: 'deny', actions: [], reasons: [{ decision: 'deny', rule: 'builtin.malformed-input', layer: 'builtin', message }] };
}

export async function policyCheck(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    cwd: { type: 'string' }, policy: { type: 'string' }, managed: { type: 'string' },
    json: { type: 'boolean' }, command: { type: 'string' }, tool: { type: 'string' },
    input: { type: 'string' }, batch: { type: 'string' },
  });
  const sources = [values.command !== undefined, values.tool !== undefined, values.batch !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give exactly one of --command STRING, --tool NAME --input JSON, --batch FILE.jsonl');
  if (values.input !== undefined && values.tool === undefined) throw new UsageError('--input needs --tool');

  const { stack, ctx, root } = await openPolicy(values, io.cwd);
  const decide = (req: ToolRequest): Evaluation => evaluate({ ...req, cwd: root }, stack.policy, ctx);
  const print = (e: Evaluation): void => io.out(values.json ? toContractJson(e) : human(e));

  if (values.command !== undefined) {
    print(decide({ tool: 'Bash', input: { command: values.command } }));
  } else if (values.tool !== undefined) {
    let input: unknown = {};
    if (values.input !== undefined) {
      try {
        input = JSON.parse(values.input);
      } catch (err) {
        throw new UsageError(`--input is not JSON: ${describeError(err)}`);
      }
    }
    print(decide({ tool: values.tool, input }));
  } else {
    let text: string;
    try {
      text = readFileSync(values.batch === '-' ? 0 : values.batch!, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --batch ${values.batch}: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}`);
    }
    // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse would reject line 1.
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      // A bad line still gets its output line (deny + why): the output stays aligned with the input.
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        print(malformed(`batch line ${i + 1} is not JSON: ${describeError(err)}`));
        return;
      }
      const parsed = batchLine.safeParse(value);
      if (!parsed.success) {
        print(malformed(`batch line ${i + 1} must be {"tool": "...", "input": {...}}`));
        return;
      }
      print(decide({ tool: parsed.data.tool, input: parsed.data.input ?? {} }));
    });
  }
  return 0;
}

function human(e: Evaluation): string {
  const head = e.decision.toUpperCase();
  const lines = e.reasons.map((r) => `  ${r.layer}${r.line ? ` ${r.file ?? ''}:${r.line}` : ''} ${r.rule}: ${r.message}`);
  return [head, ...lines].join('\n');
}
