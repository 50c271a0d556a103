/**
 * The live budget of one session: the transcript (main file and subagent files, one shared
 * de-duplicating accumulator) read incrementally, cross-checked with the CLI's own cost
 * estimate, against the tightest caps of the policy layers (and any raise the supervisor gave
 * this session). It is the broker's BudgetGate: asked on every decision.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { CompiledPolicy, Setting, RuleRef } from '../policy/compile';
import { tightest } from '../common/tightest';
import type { BudgetGate } from '../session/broker';
import { TranscriptMeter } from './reader';
import { describeError } from '../common/errors';
import { UsageAccumulator } from './usage';
import { meterReading, type MeterReading } from './meter';
import { evaluateCaps, type Cap, type CapEvaluation, type Caps } from './caps';
import type { PriceTable } from './prices';

export interface BudgetSnapshot {
  reading: MeterReading;
  caps: CapEvaluation;
  usdCap?: number;
  tokenCap?: number;
  /** Why the spend is unknown, when it is. */
  unknown?: string;
  raisedBy?: string;
}

function capOf(s: Setting<number> | undefined): Cap | undefined {
  if (!s) return undefined;
  const ref: RuleRef = s.ref;
  return { limit: s.value, source: { layer: ref.layer, file: ref.file, line: ref.line, key: ref.key } };
}

export class SessionMeter implements BudgetGate {
  private readonly accumulator = new UsageAccumulator();
  private readonly meters = new Map<string, TranscriptMeter>();
  private mainTranscript: string | undefined;
  private cliUsd: number | undefined;
  private gatewayUsd: number | undefined;
  private usdCap: Cap | undefined;
  private readonly tokenCap: Cap | undefined;
  private raisedBy: string | undefined;
  private readError: string | undefined;
  private last: BudgetSnapshot | undefined;

  constructor(private readonly policy: CompiledPolicy, private readonly prices: PriceTable) {
    this.usdCap = capOf(tightest(policy.layers, (l) => l.budget?.usd));
    this.tokenCap = capOf(tightest(policy.layers, (l) => l.budget?.tokens));
  }

  /** From every hook payload; the first one names the session's transcript. */
  setTranscript(file: string): void {
    if (!this.mainTranscript) this.mainTranscript = file;
  }

  /** The CLI's own estimate (statusLine `cost.total_cost_usd`, print-mode `result`). */
  setCliCost(usd: number): void {
    if (Number.isFinite(usd) && usd >= 0) this.cliUsd = Math.max(this.cliUsd ?? 0, usd);
  }

  /**
   * The model gateway's figure, metered from the response streams: the tool gate then never
   * sees less than the gateway does (each source can miss what the other sees).
   */
  setGatewayCost(usd: number): void {
    if (Number.isFinite(usd) && usd >= 0) this.gatewayUsd = Math.max(this.gatewayUsd ?? 0, usd);
  }

  /** A supervisor raises the USD cap for this session only (recorded in the trace by the caller). */
  raise(by: string, usd: number): { from: number; to: number } {
    const from = this.usdCap?.limit ?? 0;
    this.usdCap = { limit: usd, source: { layer: 'session', file: `(raised by ${by})`, key: 'budget.usd' } };
    this.raisedBy = by;
    return { from, to: usd };
  }

  /** Reads what the transcripts gained since the last call and re-evaluates the caps. */
  refresh(): BudgetSnapshot {
    this.readError = undefined;
    for (const file of this.transcriptFiles()) {
      let meter = this.meters.get(file);
      if (!meter) {
        meter = new TranscriptMeter(file, { accumulator: this.accumulator });
        this.meters.set(file, meter);
      }
      try {
        meter.read();
      } catch (err) {
        this.readError = describeError(err);
      }
    }
    // Before the first hook names a transcript there is no spend to read yet: count zero usage.
    // A new model is estimated (never $0, never a day-one freeze) unless a layer explicitly
    // asked `budget.onUnknown: freeze`: then an unknown price leaves the spend unknown.
    const estimateUnknown = !this.explicitFreezeOnUnknown();
    const reading = this.mainTranscript || this.cliUsd === undefined
      ? meterReading({ usage: this.accumulator.totals(), cliUsd: this.cliUsd, prices: this.prices, estimateUnknown })
      : meterReading({ cliUsd: this.cliUsd, prices: this.prices, estimateUnknown });
    if (this.gatewayUsd !== undefined && this.gatewayUsd > reading.usd) reading.usd = this.gatewayUsd;
    const caps: Caps = {};
    if (this.usdCap) caps.usd = this.usdCap;
    if (this.tokenCap) caps.tokens = this.tokenCap;
    const evaluation = evaluateCaps(caps, { usd: reading.usd ?? 0, tokens: reading.tokens.total });
    const unknown = this.readError ?? (reading.certain ? undefined : reading.uncertainReasons.join('; '));
    this.last = { reading, caps: evaluation, usdCap: this.usdCap?.limit, tokenCap: this.tokenCap?.limit, unknown, raisedBy: this.raisedBy };
    return this.last;
  }

  /**
   * Claude Code writes a turn's assistant line (with that turn's usage) to the transcript a
   * moment after it asks the hook about the tool call in it. Waiting until the call's id is on
   * disk makes the gate see the spend of the turn being decided, not the one before. Bounded:
   * after `timeoutMs` we decide with what we have (the next call sees the rest).
   */
  async settle(toolUseId: string, timeoutMs = 1000): Promise<void> {
    if (!this.mainTranscript || (!this.usdCap && !this.tokenCap) || !toolUseId) return;
    const deadline = Date.now() + timeoutMs;
    while (!this.transcriptFiles().some((f) => tailContains(f, toolUseId))) {
      if (Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  get snapshot(): BudgetSnapshot | undefined {
    return this.last;
  }

  status(): ReturnType<BudgetGate['status']> {
    const s = this.refresh();
    const onUnknown = this.onUnknown();
    if (s.caps.level === 'exceeded') return { state: 'exceeded', reason: s.caps.exceeded[0] };
    if (s.unknown && (this.usdCap || this.tokenCap)) {
      return { state: 'unknown', reason: `the budget meter cannot tell the spend: ${s.unknown}`, freezeOnUnknown: onUnknown === 'freeze' };
    }
    if (s.caps.level === 'warn') return { state: 'warn', reason: s.caps.statuses.find((c) => c.level === 'warn')?.reason };
    return { state: 'ok' };
  }

  private explicitFreezeOnUnknown(): boolean {
    return this.policy.layers.some((l) => l.budget?.onUnknown?.value === 'freeze');
  }

  private onUnknown(): 'freeze' | 'warn' {
    // Tightening: any layer asking to freeze wins.
    let v: 'freeze' | 'warn' = 'freeze';
    let set = false;
    for (const l of this.policy.layers) {
      const s = l.budget?.onUnknown?.value;
      if (s === 'freeze') return 'freeze';
      if (s === 'warn') { v = 'warn'; set = true; }
    }
    return set ? v : 'freeze';
  }

  private transcriptFiles(): string[] {
    if (!this.mainTranscript) return [];
    const files = [this.mainTranscript];
    // Subagents write beside the session: <project>/<session>/subagents/agent-<id>.jsonl
    const dir = path.join(path.dirname(this.mainTranscript), path.basename(this.mainTranscript, '.jsonl'), 'subagents');
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) files.push(path.join(dir, f));
    } catch {
      // No subagents yet.
    }
    return files;
  }
}

/** Whether the last 256 KB of `file` contain `needle` (a tool_use id is short and recent). */
function tailContains(file: string, needle: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const len = Math.min(size, 256 * 1024);
    const buf = Buffer.allocUnsafe(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.includes(needle);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
