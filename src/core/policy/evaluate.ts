/**
 * The policy engine: a pure function of (request, compiled policy, context).
 *
 * Semantics (README "Policy file"):
 * - A tool call expands to actions; the decision is the strictest over them (deny > ask > allow).
 * - Each layer that has a section decides for the actions of that kind; a layer silent on a
 *   kind has no opinion. The final decision is the strictest over the layers, so a lower layer
 *   can never loosen a higher one. Built-in self-protection (invariant 3) comes first and
 *   cannot be switched off; an invalid policy denies everything (fail closed).
 * - Every verdict names its rule: layer, file, key path and line.
 */
import { posix } from 'path';
import type { Action, Decision, Evaluation, Reason, ToolRequest } from './types';
import { DECISION_RANK } from './types';
import type { CompiledLayer, CompiledPolicy, GlobList, RuleRef } from './compile';
import { compileGlobList, requireCommitAck } from './compile';
import { formatProblem } from './errors';
import { anchorPolicyGlob, relativeInside, resolveGlob, resolvePath, toPosix } from './paths';
import { globsIntersect } from './globIntersect';
import { toolActions } from './toolActions';
import { analyzeShell } from '../shell';
import { SELF_PROTECTION_RULE, SELF_WRITE_GLOBS_HOME, SELF_WRITE_GLOBS_RELATIVE } from './selfProtection';
import { hostOfUrl } from './urlHost';
import { gitSubcommand, isGitHistoryWrite } from '../shell/commands/gitOptions';

export interface EvaluationContext {
  workspaceRoot: string;
  /** Defaults to the home the policy was compiled with. */
  home?: string;
  /** Absolute paths (files or directories) the agent may neither read nor write: the session's generated settings. */
  sessionSecrets?: readonly string[];
  /** Absolute paths (files or directories) the agent may not write: trace store, ledger directory. */
  selfPaths?: readonly string[];
  /** Symlink resolution, injected so this function stays pure; returns undefined when unknown. */
  realpath?: (abs: string) => string | undefined;
  /** Expands a recursive read (`dir/**`) to the files that exist; undefined when too many to tell. */
  expandGlob?: (absGlob: string) => readonly string[] | undefined;
  /** Shell analysis; defaults to the tree-sitter analyser. */
  analyzeShell?: (command: string) => Action[];
}

interface Verdict extends Reason {}

const BUILTIN_FILE = '(built-in)';

export function evaluate(req: ToolRequest, policy: CompiledPolicy, ctx: EvaluationContext): Evaluation {
  if (policy.problems.length > 0) {
    const p = policy.problems[0];
    return {
      decision: 'deny',
      actions: [],
      reasons: [{
        decision: 'deny', rule: 'policy.invalid', layer: 'workspace', file: p.file, line: p.line, column: p.column,
        message: `policy is invalid, so every action is denied until it is fixed: ${formatProblem(p)}`,
      }],
    };
  }
  const mapped = toolActions(req, { analyzeShell: ctx.analyzeShell ?? analyzeShell, hostOf: hostOfUrl });
  if (!mapped.ok) {
    return { decision: 'deny', actions: [], reasons: [builtin('deny', 'builtin.malformed-input', mapped.error)] };
  }
  const verdicts: Verdict[] = [...toolVerdicts(req.tool, mapped.known, policy)];
  const cwd = req.cwd ?? ctx.workspaceRoot;
  for (const action of mapped.actions) {
    for (const a of withRealPaths(action, cwd, ctx)) verdicts.push(...actionVerdicts(a, cwd, policy, ctx));
  }
  return summarise(verdicts, mapped.actions);
}

function summarise(verdicts: Verdict[], actions: Action[]): Evaluation {
  let decision: Decision = 'allow';
  for (const v of verdicts) if (DECISION_RANK[v.decision] > DECISION_RANK[decision]) decision = v.decision;
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  for (const v of verdicts) {
    if (v.decision !== decision) continue;
    const key = `${v.layer}\0${v.rule}\0${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push(v);
  }
  if (reasons.length === 0) reasons.push(builtin('allow', 'default', 'no rule restricts this action'));
  return { decision, reasons, actions };
}

function builtin(decision: Decision, rule: string, message: string): Verdict {
  return { decision, rule, layer: 'builtin', file: BUILTIN_FILE, message };
}

function fromRef(decision: Decision, ref: RuleRef, message: string): Verdict {
  return { decision, rule: ref.key, layer: ref.layer, file: ref.file, line: ref.line, column: ref.column, message };
}

function toolVerdicts(tool: string, known: boolean, policy: CompiledPolicy): Verdict[] {
  const out: Verdict[] = [];
  let named = false;
  for (const l of policy.layers) {
    if (!l.tools) continue;
    const deny = l.tools.deny.get(tool);
    const ask = l.tools.ask.get(tool);
    const allow = l.tools.allow.get(tool);
    if (deny) out.push(fromRef('deny', deny, `tool \`${tool}\` is denied by policy`));
    else if (ask) out.push(fromRef('ask', ask, `tool \`${tool}\` needs approval`));
    if (deny || ask || allow) named = true;
  }
  if (!known && !named) {
    out.push(builtin('deny', 'builtin.unknown-tool',
      `unknown tool \`${tool}\`: Agent Lane cannot tell what it does; list it under \`tools.allow\` or \`tools.ask\` to permit it`));
  }
  return out;
}

/** A path through a symlink is also judged as the path it points to. */
function withRealPaths(action: Action, cwd: string, ctx: EvaluationContext): Action[] {
  if ((action.kind !== 'file.read' && action.kind !== 'file.write') || action.glob || !ctx.realpath) return [action];
  const home = ctx.home ?? '/';
  const abs = resolvePath(action.path, cwd, ctx.workspaceRoot, home).abs;
  const real = ctx.realpath(abs);
  if (!real || toPosix(real) === abs) return [action];
  return [action, { ...action, path: toPosix(real), via: `${action.via} (symlink)` }];
}

function actionVerdicts(action: Action, cwd: string, policy: CompiledPolicy, ctx: EvaluationContext): Verdict[] {
  switch (action.kind) {
    case 'file.read':
    case 'file.write':
      return pathVerdicts(action, cwd, policy, ctx);
    case 'shell.exec':
      return shellVerdicts(action, policy);
    case 'net.fetch':
      return networkVerdicts(action, policy);
    case 'mcp.call':
      return mcpVerdicts(action, policy);
    case 'agent.spawn':
      return [];
    case 'unanalyzable':
      return policy.layers.filter((l) => l.shell).map((l) => {
        const s = l.shell!.unanalyzable;
        return fromRef(s.value, s.ref, `cannot analyse \`${clip(action.text)}\`: ${action.reason}; shell.unanalyzable is ${s.value}`);
      });
    case 'self.tamper':
      return [builtin('deny', SELF_PROTECTION_RULE, `${action.reason}: the agent cannot switch off its own governance`)];
  }
}

// ---------------------------------------------------------------- paths

interface PathTarget {
  /** Absolute path, or absolute glob when `glob`. */
  abs: string;
  rel: string | undefined;
  glob: boolean;
  shown: string;
  /** A shell glob whose `*` also matches dot files (`shopt -s dotglob`). */
  dotglob?: boolean;
}

function targetOf(action: { path: string; glob?: boolean; dotglob?: boolean }, cwd: string, root: string, home: string): PathTarget {
  const p = procAlias(action.path, cwd);
  if (action.glob) {
    const abs = resolveGlob(p, cwd, home);
    return { abs, rel: relativeInside(abs, toPosix(root)), glob: true, shown: action.path, dotglob: action.dotglob };
  }
  const r = resolvePath(p, cwd, root, home);
  return { abs: r.abs, rel: r.rel, glob: false, shown: r.rel ?? r.abs };
}

/** `/proc/self/cwd/x` is `x` in the working directory, `/proc/self/root/x` is `/x` (any tool, not only the shell). */
function procAlias(p: string, cwd: string): string {
  let out = p.startsWith('/') && p.includes('/proc/') || p.startsWith('/dev/fd/') ? posix.normalize(p) : p;
  for (let i = 0; i < 4; i++) {
    const m = /^\/+proc\/+[^/]+\/+(?:task\/+[^/]+\/+)?(cwd|root)(?=\/|$)\/*/.exec(out);
    if (!m) return out;
    const rest = out.slice(m[0].length);
    out = m[1] === 'cwd' ? `${toPosix(cwd).replace(/\/+$/, '')}/${rest}` : `/${rest}`;
  }
  return out;
}

/**
 * An operand of a program without a table might be a subcommand (`build`) rather than a file:
 * the write scope applies to it only when it looks like a path.
 */
function looksLikePath(p: string): boolean {
  if (p === '.' || p === './') return false;
  return p.includes('/') || p.startsWith('.') || p.startsWith('~') || /[*?[]/.test(p) || /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(p);
}

function pathVerdicts(
  action: Extract<Action, { kind: 'file.read' | 'file.write' }>,
  cwd: string,
  policy: CompiledPolicy,
  ctx: EvaluationContext,
): Verdict[] {
  const home = ctx.home ?? policy.home;
  const root = toPosix(ctx.workspaceRoot);
  const t = targetOf(action, cwd, root, home);
  const writing = action.kind === 'file.write';
  const verb = writing ? 'writing' : 'reading';
  const out: Verdict[] = [];

  // Invariant 3 first: session secrets, Agent Lane's own stores, git hooks, agent settings.
  for (const secret of ctx.sessionSecrets ?? []) {
    if (touchesPrefix(t, toPosix(secret))) {
      out.push(builtin('deny', SELF_PROTECTION_RULE, `${verb} \`${t.shown}\` is denied: it holds this session's supervision settings`));
    }
  }
  if (writing) {
    for (const p of ctx.selfPaths ?? []) {
      if (touchesPrefix(t, toPosix(p))) out.push(builtin('deny', SELF_PROTECTION_RULE, `writing \`${t.shown}\` is denied: it is Agent Lane's own store`));
    }
    const self = selfGlobs(root, home);
    const hit = matchGlobs(self, t, root, home, ctx);
    if (hit) out.push(builtin('deny', SELF_PROTECTION_RULE, `writing \`${t.shown}\` is denied: the agent cannot change its own governance (\`${hit.pattern}\`)`));
  }

  // Writes outside the workspace are denied unless a layer's write scope names them.
  let outsideAllowed = false;
  if (writing && t.rel === undefined) {
    outsideAllowed = policy.layers.some((l) => l.paths?.write && l.paths.write.rules.some((r) => r.absolute && matchOne(r.test, r.pattern, t, root, home)));
    if (!outsideAllowed) {
      out.push(builtin('deny', 'builtin.outside-workspace', `writing \`${t.shown}\` is denied: it is outside the workspace and no \`paths.write\` rule names it`));
    }
  }

  // a word given to an unknown program is held to the write scope only if it looks like a path
  const scoped = !(writing && action.operand && !looksLikePath(action.path));
  for (const l of policy.layers) {
    if (writing && policy.mode.value === 'coach') continue; // reported once below
    const paths = l.paths;
    if (!paths) continue;
    const denied = matchGlobs(paths.deny, t, root, home, ctx);
    if (denied) {
      out.push(fromRef('deny', denied.ref, `${verb} \`${t.shown}\` is denied by \`${denied.pattern}\``));
      continue;
    }
    if (!writing) continue;
    // Protected paths are gated, not forbidden: they may lie outside the write scope
    // (`.github/workflows/**` next to `write: [src/**]`) and still be written with approval.
    const prot = matchGlobs(paths.protect, t, root, home, ctx);
    if (prot) {
      out.push(fromRef('ask', prot.ref, `writing \`${t.shown}\` needs approval: protected by \`${prot.pattern}\``));
      continue;
    }
    if (scoped && paths.write && !(t.rel === undefined && outsideAllowed) && !inWriteScope(paths.write, t, root, home)) {
      const first = paths.write.rules[0].ref;
      const scope = paths.write.rules.map((r) => `\`${r.pattern}\``).join(', ');
      out.push(fromRef('deny', { ...first, key: 'paths.write' }, `writing \`${t.shown}\` is outside the write scope (${scope})`));
    }
  }
  if (writing && policy.mode.value === 'coach' && !action.operand) {
    out.push(fromRef('deny', policy.mode.ref, `coach mode is read-only: writing \`${t.shown}\` is denied`));
  }
  return out;
}

/** Path equals the prefix or lies below it; for globs, may reach it. */
function touchesPrefix(t: PathTarget, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  if (t.glob) return globsIntersect(t.abs, p, false) || globsIntersect(t.abs, `${p}/**`, false) || globsIntersect(t.abs, p);
  return t.abs === p || t.abs.startsWith(`${p}/`);
}

let selfCache: { key: string; list: GlobList } | undefined;
function selfGlobs(root: string, home: string): GlobList {
  const key = `${root}\0${home}`;
  if (selfCache?.key === key) return selfCache.list;
  const patterns = [...SELF_WRITE_GLOBS_RELATIVE, ...SELF_WRITE_GLOBS_HOME];
  const list = compileGlobList(patterns, (i) => ({ layer: 'builtin', file: BUILTIN_FILE, key: `${SELF_PROTECTION_RULE}[${i}]` }), home);
  selfCache = { key, list };
  return list;
}

function matchOne(test: (p: string) => boolean, pattern: string, t: PathTarget, root: string, home: string): boolean {
  if (t.glob) return globsIntersect(t.abs, anchorPolicyGlob(pattern, root, home));
  const absolutePattern = pattern.startsWith('/');
  const subject = absolutePattern ? t.abs : t.rel;
  return subject !== undefined && test(subject);
}

function inWriteScope(list: GlobList, t: PathTarget, root: string, home: string): boolean {
  if (t.glob) {
    // A glob write is in scope only if it cannot reach anything outside: be strict and
    // require its static prefix to sit inside a scope glob.
    const prefix = t.abs.split('/').filter((s, i, all) => !/[*?[{]/.test(s) && all.slice(0, i).every((x) => !/[*?[{]/.test(x))).join('/');
    const rel = relativeInside(prefix || '/', root);
    return rel !== undefined && list.rules.some((r) => !r.absolute && r.test(`${rel}/x`) && r.test(`${rel}/x/y`));
  }
  for (const r of list.rules) if (matchOne(r.test, r.pattern, t, root, home)) return true;
  return false;
}

/**
 * First glob of the list that the target touches: the path itself, any directory above it
 * (a denied directory denies what is inside), or — for globs — any path the glob can match.
 */
function matchGlobs(list: GlobList, t: PathTarget, root: string, home: string, ctx: EvaluationContext): { ref: RuleRef; pattern: string } | undefined {
  if (list.rules.length === 0) return undefined;
  if (t.glob) {
    const recursive = /(^|\/)\*\*(\/|$)/.test(t.abs);
    // the files the glob names right now, each also judged as what its links point to
    const listed = ctx.expandGlob ? ctx.expandGlob(t.abs) : undefined;
    // a shell glob that matches nothing stays a literal word (that a write may create): judge the glob
    const expanded = listed && (listed.length > 0 || recursive) ? listed : undefined;
    if (expanded) {
      for (const file of expanded) {
        const abs = toPosix(file);
        const real = ctx.realpath ? ctx.realpath(abs) : undefined;
        for (const p of real && toPosix(real) !== abs ? [abs, toPosix(real)] : [abs]) {
          const hit = matchGlobs(list, { abs: p, rel: relativeInside(p, root), glob: false, shown: t.shown }, root, home, ctx);
          if (hit) return hit;
        }
      }
      return undefined;
    }
    for (const r of list.rules) {
      if (globsIntersect(t.abs, anchorPolicyGlob(r.pattern, root, home), !recursive && !t.dotglob)) return { ref: r.ref, pattern: r.pattern };
    }
    return undefined;
  }
  const candidates = (base: string | undefined): string[] => {
    if (base === undefined) return [];
    const out = [base];
    let cur = base;
    while (true) {
      const i = cur.lastIndexOf('/');
      if (i <= 0) break;
      cur = cur.slice(0, i);
      out.push(cur);
    }
    return out;
  };
  const rels = t.rel !== undefined && t.rel !== '.' ? candidates(t.rel) : [];
  const abss = candidates(t.abs);
  const relHit = rels.some((p) => list.anyRelative(p));
  const absHit = abss.some((p) => list.anyAbsolute(p));
  if (!relHit && !absHit) return undefined;
  for (const r of list.rules) {
    const subjects = r.absolute ? abss : rels;
    if (subjects.some((p) => r.test(p))) return { ref: r.ref, pattern: r.pattern };
  }
  return undefined;
}

// ---------------------------------------------------------------- shell

function shellVerdicts(action: Extract<Action, { kind: 'shell.exec' }>, policy: CompiledPolicy): Verdict[] {
  const out: Verdict[] = [];
  const shown = clip(action.text);
  for (const l of policy.layers) {
    const s = l.shell;
    if (!s) continue;
    const deny = s.deny.find((r) => r.test(action.argv));
    if (deny) { out.push(fromRef('deny', deny.ref, `\`${shown}\` is denied by shell rule \`${deny.pattern}\``)); continue; }
    const ask = s.ask.find((r) => r.test(action.argv));
    if (ask) { out.push(fromRef('ask', ask.ref, `\`${shown}\` needs approval: shell rule \`${ask.pattern}\``)); continue; }
    const allow = s.allow.find((r) => r.test(action.argv));
    if (allow) { out.push(fromRef('allow', allow.ref, `\`${shown}\` is allowed by shell rule \`${allow.pattern}\``)); continue; }
    if (s.otherwise.value !== 'allow' || l.name !== 'builtin') {
      out.push(fromRef(s.otherwise.value, s.otherwise.ref, `\`${shown}\` matches no shell rule; shell.otherwise is ${s.otherwise.value}`));
    }
  }
  const mode = policy.mode;
  if (mode.value === 'coach' && action.writes) {
    out.push(fromRef('deny', mode.ref, `coach mode is read-only: \`${shown}\` writes`));
  }
  // history written without `git commit` (cherry-pick, revert, merge, am, rebase, fast-import …)
  // may not pass the commit hooks that wait for the supervisor: where acks are required, ask
  const ack = requireCommitAck(policy);
  if (mode.value !== 'ship' && ack?.value && isGitCommit(action.argv) && gitSubcommand(action.argv) !== 'commit') {
    out.push(fromRef('ask', ack.ref, `\`${shown}\` writes git history outside \`git commit\`, so it needs approval as a commit does (commits.requireAck)`));
  }
  if (mode.value === 'ship' && isGitCommit(action.argv)) {
    out.push(fromRef('ask', mode.ref, `ship mode: \`${shown}\` writes git history and needs approval first`));
  }
  return out;
}

export { gitSubcommand };

function isGitCommit(argv: readonly string[]): boolean {
  return isGitHistoryWrite(argv);
}

// ---------------------------------------------------------------- network & MCP

function networkVerdicts(action: Extract<Action, { kind: 'net.fetch' }>, policy: CompiledPolicy): Verdict[] {
  const out: Verdict[] = [];
  const webSearch = action.via === 'WebSearch';
  const shown = action.host || '(unknown host)';
  for (const l of policy.layers) {
    const n = l.network;
    if (!n) continue;
    if (webSearch) {
      out.push(fromRef(n.webSearch.value, n.webSearch.ref, `web search is ${verbOf(n.webSearch.value)} by ${n.webSearch.ref.key}`));
      continue;
    }
    const deny = n.deny.find((r) => r.test(action.host, action.port));
    if (deny) { out.push(fromRef('deny', deny.ref, `network access to \`${shown}\` is denied by \`${deny.pattern}\``)); continue; }
    const allow = n.allow.find((r) => r.test(action.host, action.port));
    if (allow) { out.push(fromRef('allow', allow.ref, `network access to \`${shown}\` is allowed by \`${allow.pattern}\``)); continue; }
    out.push(fromRef(n.otherwise.value, n.otherwise.ref,
      `network access to \`${shown}\` (${action.via}) is not in network.allow; network.otherwise is ${n.otherwise.value}`));
  }
  return out;
}

const TIER_DECISION: Record<'T0' | 'T1' | 'T2', Decision> = { T0: 'allow', T1: 'ask', T2: 'deny' };

function mcpVerdicts(action: Extract<Action, { kind: 'mcp.call' }>, policy: CompiledPolicy): Verdict[] {
  const out: Verdict[] = [];
  for (const l of policy.layers) {
    const m = l.mcp;
    if (!m) continue;
    const tier = m.tiers.get(`${action.server}__${action.tool}`) ?? m.tiers.get(action.server) ?? m.otherwise;
    const d = TIER_DECISION[tier.value];
    out.push(fromRef(d, tier.ref, `mcp \`${action.server}\` tool \`${action.tool}\` is tier ${tier.value} (${verbOf(d)})`));
  }
  return out;
}

function verbOf(d: Decision): string {
  return d === 'allow' ? 'allowed' : d === 'ask' ? 'held for approval' : 'denied';
}

function clip(s: string, max = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export type { CompiledLayer };
