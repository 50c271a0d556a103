/**
 * Layers → a compiled policy: every glob, host and shell pattern compiled once
 * (invariant 7), every rule carrying the file and line it came from (invariant 4).
 */
import picomatch from 'picomatch';
import { createHash } from 'node:crypto';
import type { Decision, LayerName, Mode } from './types';
import { MODE_RANK } from './types';
import type { PolicyLayer } from './load';
import type { PolicyProblem } from './errors';
import { compileShellPattern } from '../shell';
import { compileHostPattern } from './hosts';
import { expandHome, toPosix } from './paths';
import { tightest } from '../common/tightest';

export interface RuleRef {
  layer: LayerName;
  file: string;
  /** Key path in the file, e.g. `paths.deny[0]`. */
  key: string;
  line?: number;
  column?: number;
}

export interface GlobRule {
  ref: RuleRef;
  pattern: string;
  /** Matches a workspace-relative path for relative patterns, an absolute path otherwise. */
  absolute: boolean;
  test: (p: string) => boolean;
}

/** A list of globs with one combined regex per anchoring, so a miss costs one test. */
export interface GlobList {
  rules: GlobRule[];
  anyRelative: (rel: string) => boolean;
  /** The path or any directory above it matches a relative pattern: one regex test (G or G/**). */
  anyRelativeOrAncestor: (rel: string) => boolean;
  anyAbsolute: (abs: string) => boolean;
}

export interface ShellRule { ref: RuleRef; pattern: string; test: (argv: string[]) => boolean }
export interface HostRule { ref: RuleRef; pattern: string; test: (host: string, port?: number) => boolean }
export interface Setting<T> { value: T; ref: RuleRef }

export interface CompiledLayer {
  name: LayerName;
  file: string;
  hash: string;
  mode?: Setting<Mode>;
  paths?: { deny: GlobList; protect: GlobList; write?: GlobList };
  shell?: { deny: ShellRule[]; ask: ShellRule[]; allow: ShellRule[]; otherwise: Setting<Decision>; unanalyzable: Setting<Decision> };
  network?: { allow: HostRule[]; deny: HostRule[]; otherwise: Setting<Decision>; webSearch: Setting<Decision> };
  mcp?: { tiers: Map<string, Setting<'T0' | 'T1' | 'T2'>>; otherwise: Setting<'T0' | 'T1' | 'T2'> };
  tools?: { allow: Map<string, RuleRef>; ask: Map<string, RuleRef>; deny: Map<string, RuleRef> };
  budget?: {
    usd?: Setting<number>; tokens?: Setting<number>; onUnknown?: Setting<'freeze' | 'warn'>;
    usdPerDay?: Setting<number>; usdPerMission?: Setting<number>;
  };
  limits?: { minutes?: Setting<number>; toolCalls?: Setting<number>; processes?: Setting<number>; memoryMb?: Setting<number> };
  sandbox?: Setting<'on' | 'off' | 'required'>;
  commits?: { requireAck?: Setting<boolean> };
}

export interface CompiledPolicy {
  layers: CompiledLayer[];
  /** The strictest mode over all layers (default build). */
  mode: Setting<Mode>;
  /** Load problems: when non-empty the engine denies everything with them as the reason. */
  problems: PolicyProblem[];
  /** SHA-256 over the layers' names and file hashes: what decisions and the trace pin. */
  hash: string;
  home: string;
}

export interface CompileInput {
  layers: PolicyLayer[];
  problems?: PolicyProblem[];
  home?: string;
}

const DEFAULTS_FILE = '(built-in defaults)';

export function compilePolicy(input: CompileInput): CompiledPolicy {
  const home = toPosix(input.home ?? process.env.HOME ?? '/');
  const layers = input.layers.map((l) => compileLayer(l, home));
  const defaults = defaultLayer(layers);
  if (defaults) layers.push(defaults);

  let mode: Setting<Mode> = { value: 'build', ref: { layer: 'builtin', file: DEFAULTS_FILE, key: 'mode' } };
  let explicit = false;
  for (const l of layers) {
    if (l.mode && (!explicit || MODE_RANK[l.mode.value] > MODE_RANK[mode.value])) {
      mode = l.mode;
      explicit = true;
    }
  }
  const hash = createHash('sha256')
    .update(input.layers.map((l) => `${l.layer}\0${l.file}\0${l.hash}`).join('\n'))
    .digest('hex');
  return { layers, mode, problems: input.problems ?? [], hash, home };
}

function refOf(layer: PolicyLayer, key: string): RuleRef {
  const pos = layer.positions.get(key);
  return { layer: layer.layer, file: layer.file, key, line: pos?.line, column: pos?.column };
}

function setting<T>(layer: PolicyLayer, key: string, value: T | undefined, fallback: T): Setting<T> {
  if (value !== undefined) return { value, ref: refOf(layer, key) };
  return { value: fallback, ref: { layer: 'builtin', file: DEFAULTS_FILE, key } };
}

function optional<T>(layer: PolicyLayer, key: string, value: T | undefined): Setting<T> | undefined {
  return value === undefined ? undefined : { value, ref: refOf(layer, key) };
}

export function compileGlobList(patterns: readonly string[], refFor: (i: number) => RuleRef, home: string): GlobList {
  const rules: GlobRule[] = patterns.map((raw, i) => {
    const pattern = expandHome(toPosix(raw), home).replace(/^\.\//, '');
    const absolute = pattern.startsWith('/');
    const test = picomatch(pattern, { dot: true });
    return { ref: refFor(i), pattern, absolute, test };
  });
  const combine = (subset: GlobRule[], withDescendants = false): ((p: string) => boolean) => {
    if (subset.length === 0) return () => false;
    const patterns = withDescendants ? subset.flatMap((r) => [r.pattern, `${r.pattern.replace(/\/+$/, '')}/**`]) : subset.map((r) => r.pattern);
    const sources = patterns.map((p) => picomatch.makeRe(p, { dot: true }).source);
    const re = new RegExp(sources.map((s) => `(?:${s})`).join('|'));
    return (p) => re.test(p);
  };
  return {
    rules,
    anyRelative: combine(rules.filter((r) => !r.absolute)),
    anyRelativeOrAncestor: combine(rules.filter((r) => !r.absolute), true),
    anyAbsolute: combine(rules.filter((r) => r.absolute)),
  };
}

function compileLayer(layer: PolicyLayer, home: string): CompiledLayer {
  const d = layer.doc;
  const out: CompiledLayer = { name: layer.layer, file: layer.file, hash: layer.hash };
  out.mode = optional(layer, 'mode', d.mode);
  if (d.paths) {
    const list = (key: 'deny' | 'protect' | 'write'): GlobList =>
      compileGlobList(d.paths?.[key] ?? [], (i) => refOf(layer, `paths.${key}[${i}]`), home);
    out.paths = {
      deny: list('deny'),
      protect: list('protect'),
      // Empty or absent `write` means the whole workspace (the v1 contract).
      write: d.paths.write && d.paths.write.length > 0 ? list('write') : undefined,
    };
  }
  if (d.shell) {
    const rules = (key: 'deny' | 'ask' | 'allow'): ShellRule[] =>
      (d.shell?.[key] ?? []).map((pattern, i) => ({ ref: refOf(layer, `shell.${key}[${i}]`), pattern, test: compileShellPattern(pattern) }));
    out.shell = {
      deny: rules('deny'),
      ask: rules('ask'),
      allow: rules('allow'),
      otherwise: setting(layer, 'shell.otherwise', d.shell.otherwise, 'allow'),
      unanalyzable: setting(layer, 'shell.unanalyzable', d.shell.unanalyzable, 'deny'),
    };
  }
  if (d.network) {
    const rules = (key: 'allow' | 'deny'): HostRule[] =>
      (d.network?.[key] ?? []).map((pattern, i) => ({ ref: refOf(layer, `network.${key}[${i}]`), pattern, test: compileHostPattern(pattern) }));
    const otherwise = setting<Decision>(layer, 'network.otherwise', d.network.otherwise, 'deny');
    out.network = {
      allow: rules('allow'),
      deny: rules('deny'),
      otherwise,
      webSearch: d.network.webSearch !== undefined ? setting(layer, 'network.webSearch', d.network.webSearch, 'deny') : otherwise,
    };
  }
  if (d.mcp) {
    const tiers = new Map<string, Setting<'T0' | 'T1' | 'T2'>>();
    for (const [server, tier] of Object.entries(d.mcp.tiers ?? {})) {
      tiers.set(server, { value: tier, ref: refOf(layer, `mcp.tiers.${server}`) });
    }
    out.mcp = { tiers, otherwise: setting(layer, 'mcp.otherwise', d.mcp.otherwise, 'T2') };
  }
  if (d.tools) {
    const names = (key: 'allow' | 'ask' | 'deny'): Map<string, RuleRef> =>
      new Map((d.tools?.[key] ?? []).map((n, i) => [n, refOf(layer, `tools.${key}[${i}]`)]));
    out.tools = { allow: names('allow'), ask: names('ask'), deny: names('deny') };
  }
  if (d.budget) {
    out.budget = {
      usd: optional(layer, 'budget.usd', d.budget.usd),
      tokens: optional(layer, 'budget.tokens', d.budget.tokens),
      onUnknown: optional(layer, 'budget.onUnknown', d.budget.onUnknown),
      usdPerDay: optional(layer, 'budget.usdPerDay', d.budget.usdPerDay),
      usdPerMission: optional(layer, 'budget.usdPerMission', d.budget.usdPerMission),
    };
  }
  if (d.limits) {
    out.limits = {
      minutes: optional(layer, 'limits.minutes', d.limits.minutes),
      toolCalls: optional(layer, 'limits.toolCalls', d.limits.toolCalls),
      processes: optional(layer, 'limits.processes', d.limits.processes),
      memoryMb: optional(layer, 'limits.memoryMb', d.limits.memoryMb),
    };
  }
  out.sandbox = optional(layer, 'sandbox', d.sandbox);
  if (d.commits) out.commits = { requireAck: optional(layer, 'commits.requireAck', d.commits.requireAck) };
  return out;
}

/**
 * Sections no layer mentions still need an answer: the built-in defaults fill them
 * (unanalysable shell → deny, unknown host → deny, unknown MCP server → T2). A layer that
 * mentions a section speaks for itself; silence in one layer never overrides another.
 */
function defaultLayer(layers: CompiledLayer[]): CompiledLayer | undefined {
  const ref = (key: string): RuleRef => ({ layer: 'builtin', file: DEFAULTS_FILE, key });
  const out: CompiledLayer = { name: 'builtin', file: DEFAULTS_FILE, hash: '' };
  let used = false;
  if (!layers.some((l) => l.shell)) {
    out.shell = {
      deny: [], ask: [], allow: [],
      otherwise: { value: 'allow', ref: ref('shell.otherwise') },
      unanalyzable: { value: 'deny', ref: ref('shell.unanalyzable') },
    };
    used = true;
  }
  if (!layers.some((l) => l.network)) {
    const otherwise: Setting<Decision> = { value: 'deny', ref: ref('network.otherwise') };
    out.network = { allow: [], deny: [], otherwise, webSearch: otherwise };
    used = true;
  }
  if (!layers.some((l) => l.mcp)) {
    out.mcp = { tiers: new Map(), otherwise: { value: 'T2', ref: ref('mcp.otherwise') } };
    used = true;
  }
  return used ? out : undefined;
}

/** The tightest value of a numeric cap over all layers, with the rule that set it. */
export function tightestCap(
  policy: CompiledPolicy,
  pick: (l: CompiledLayer) => Setting<number> | undefined,
): Setting<number> | undefined {
  return tightest(policy.layers, pick);
}

export function requireCommitAck(policy: CompiledPolicy): Setting<boolean> | undefined {
  let out: Setting<boolean> | undefined;
  for (const l of policy.layers) {
    const s = l.commits?.requireAck;
    if (s && (!out || s.value)) out = s;
  }
  return out;
}
