/**
 * The effective policy (all layers + mission) → what the OS sandbox allows.
 *
 * The kernel knows paths, not globs, so globs are resolved against the file system at start-up:
 * - `paths.deny`: every existing match is masked (its content replaced by nothing), and so is
 *   every hard link to a masked file that already exists in the workspace; a glob ending in
 *   `/**` masks the directory itself, so files created there later stay hidden too.
 * - `paths.write` (intersected across layers, the tightening rule): the fixed directory part of
 *   each glob becomes writable; where a glob has no fixed part the box is looser than the
 *   policy and `notes` says so (the policy engine still decides every tool call).
 * - the always-protected paths (invariant 3) stay read-only inside writable areas; those that do
 *   not exist yet get a read-only placeholder so the agent cannot create them either.
 * - the lane's own directories (session, trace store, ledger) are hidden entirely.
 * Pure apart from the injected file-system probe, so it is table-tested.
 */
import * as posix from 'node:path/posix';
import type { CompiledPolicy, GlobList, RuleRef, Setting } from '../policy/compile';
import { anchorPolicyGlob, relativeInside } from '../policy/paths';
import type { BoxPath, SandboxProfile } from './types';

export interface FsProbe {
  /** What is at `abs` (not following a final symlink), or undefined. */
  kind(abs: string): 'file' | 'dir' | 'link' | 'other' | undefined;
  /** Existing paths matching an absolute glob, or undefined when there are too many to list. */
  expand(absGlob: string): string[] | undefined;
  /** Hard-link count of a file (1 when unknown). */
  links(abs: string): number;
  /** Other paths below `root` that are the same inode as `abs`, or undefined when too many to tell. */
  sameInode(root: string, abs: string): string[] | undefined;
}

export interface ProfileInput {
  policy: CompiledPolicy;
  workspaceRoot: string;
  /** The user's real HOME (for `~/` globs). */
  home: string;
  /** The agent's private HOME and scratch directory (created by the caller). */
  agentHome: string;
  scratch: string;
  /** Lane-owned directories (hidden) and files (masked) the agent must not see: session dir, trace store, ledger. */
  laneDirs: string[];
  fs: FsProbe;
}

export const DEFAULT_PROCESS_LIMIT = 512;
export const DEFAULT_MEMORY_MB = 8192;

/** Relative to the workspace root: read-only in the box whatever the policy says. */
const SELF_READ_ONLY = ['.agentlane', '.git/hooks', '.git/config', '.git/config.worktree', '.git/info/attributes'];
/**
 * Agent settings that would change the agent's own rules if it could write or create them:
 * a placeholder holds their place when they do not exist (content: what the file would hold empty).
 */
const SELF_SETTINGS_FILES: Array<{ rel: string; empty: string }> = [
  { rel: '.claude/settings.json', empty: '{}' },
  { rel: '.claude/settings.local.json', empty: '{}' },
  { rel: '.mcp.json', empty: '{"mcpServers":{}}' },
  { rel: '.gemini/settings.json', empty: '{}' },
  { rel: '.codex/config.toml', empty: '' },
];
/** In the agent's private HOME. `~/.claude.json` stays writable: the CLI keeps its state there. */
const HOME_SETTINGS_FILES: Array<{ rel: string; empty: string }> = [
  { rel: '.claude/settings.json', empty: '{}' },
  { rel: '.claude/settings.local.json', empty: '{}' },
  { rel: '.gemini/settings.json', empty: '{}' },
  { rel: '.codex/config.toml', empty: '' },
];

export interface Placeholder extends BoxPath {
  /** File content the agent sees; null for a directory. */
  content: string | null;
}

export interface BuiltProfile extends SandboxProfile {
  placeholders: Placeholder[];
  /** Directories the caller must create before start (write scopes that do not exist yet). */
  create: string[];
}

export function buildProfile(input: ProfileInput): BuiltProfile {
  const { policy, fs } = input;
  const root = posix.normalize(input.workspaceRoot);
  const notes: string[] = [];
  const writable: BoxPath[] = [];
  const create: string[] = [];

  // --- writes ---
  if (policy.mode.value === 'coach') {
    notes.push(`mode coach (${refText(policy.mode.ref)}): the workspace is read-only in the box`);
  } else {
    for (const w of writeScope(policy, root, input.home, notes)) {
      const k = fs.kind(w.path);
      if (k === undefined) {
        if (isInside(w.path, root)) create.push(w.path);
        else { notes.push(`write scope ${w.path} does not exist: not writable in the box`); continue; }
      }
      writable.push(w);
    }
    for (const p of protectDirs(policy, root, input.home)) {
      if (writable.some((w) => isInside(p.path, w.path))) continue;
      // An approved write may create the first file there: the directory must exist to be bound.
      if (fs.kind(p.path) === undefined) create.push(p.path);
      writable.push(p);
      notes.push(`${p.path} is protected (${p.why}): writable in the box so an approved write can happen; the policy asks before every tool write there`);
    }
    const gitDir = posix.join(root, '.git');
    if (fs.kind(gitDir) === 'dir' && !writable.some((w) => isInside(gitDir, w.path))) {
      writable.push({ path: gitDir, why: 'git keeps the index, objects and refs here (commits are observed from the host side)' });
    }
  }
  writable.push({ path: input.agentHome, why: 'the agent\'s private HOME' });
  writable.push({ path: input.scratch, why: 'the agent\'s private scratch area (TMPDIR)' });

  // --- always read-only (invariant 3) ---
  const readOnly: BoxPath[] = [];
  const placeholders: Placeholder[] = [];
  const writableDir = (dir: string): boolean => writable.some((w) => isInside(dir, w.path));
  for (const rel of SELF_READ_ONLY) {
    const abs = posix.join(root, rel);
    if (!writableDir(abs)) continue;
    if (fs.kind(abs) !== undefined) readOnly.push({ path: abs, why: 'the agent cannot govern itself (built-in)' });
    else if (rel === '.agentlane' && writableDir(root)) placeholders.push({ path: abs, why: 'the agent cannot create lane files (built-in)', content: null, dir: true });
  }
  for (const sub of expandOrEmpty(fs, `${root}/.git/modules/**/config`).concat(expandOrEmpty(fs, `${root}/.git/modules/**/hooks`))) {
    readOnly.push({ path: sub, why: 'submodule git config and hooks (built-in)' });
  }
  const settings = (base: string, files: Array<{ rel: string; empty: string }>, owner: string): void => {
    for (const f of files) {
      const abs = posix.join(base, f.rel);
      if (!writableDir(posix.dirname(abs)) && !writableDir(abs)) continue;
      const k = fs.kind(abs);
      if (k === 'file' || k === 'link' || k === 'other') readOnly.push({ path: abs, why: `${owner} settings: the agent cannot change its own rules (built-in)` });
      else if (k === undefined) placeholders.push({ path: abs, why: `${owner} settings placeholder: the agent cannot create its own rules (built-in)`, content: f.empty });
      else readOnly.push({ path: abs, why: `${owner} settings (built-in)` });
    }
  };
  settings(root, SELF_SETTINGS_FILES, 'workspace agent');
  settings(input.agentHome, HOME_SETTINGS_FILES, 'user agent');

  // --- denied reads ---
  const masked: BoxPath[] = [];
  const seen = new Set<string>();
  const mask = (abs: string, why: string): void => {
    const norm = posix.normalize(abs);
    if (seen.has(norm) || masked.some((m) => isInside(norm, m.path))) return;
    seen.add(norm);
    masked.push({ path: norm, why, dir: fs.kind(norm) === 'dir' });
  };
  for (const layer of policy.layers) {
    for (const rule of layer.paths?.deny.rules ?? []) {
      const anchored = anchorPolicyGlob(rule.pattern, root, input.home);
      const why = `${refText(rule.ref)} \`${rule.pattern}\``;
      const dirPart = fixedPrefix(anchored);
      if (/\/\*\*$/.test(anchored) && !/[*?[{]/.test(anchored.slice(0, -3))) {
        // `dir/**`: the directory itself, so files created in it later stay hidden too.
        if (fs.kind(dirPart) !== undefined) mask(dirPart, why);
        continue;
      }
      const matches = fs.expand(anchored);
      if (matches === undefined) {
        throw new SandboxProfileError(
          'deny-unlistable',
          `cannot list the files \`${rule.pattern}\` (${refText(rule.ref)}) denies below ${dirPart}: too many to enumerate; anchor the glob to a directory (e.g. \`config/**/.env*\`)`,
        );
      }
      for (const m of matches) mask(m, why);
    }
  }
  // Hard links made before the session: the same inode under another name is the same secret.
  for (const m of [...masked]) {
    if (fs.kind(m.path) !== 'file' || fs.links(m.path) <= 1) continue;
    const others = fs.sameInode(root, m.path);
    if (others === undefined) {
      throw new SandboxProfileError('deny-hardlinks', `${m.path} has other hard links and the workspace is too large to find them; remove the extra links`);
    }
    for (const o of others) mask(o, `hard link to ${m.path} (${m.why})`);
  }

  // --- hidden lane directories ---
  const hidden: BoxPath[] = [];
  for (const d of input.laneDirs) {
    const norm = posix.normalize(d);
    if (hidden.some((h) => isInside(norm, h.path))) continue;
    const k = fs.kind(norm);
    if (k === 'dir') hidden.push({ path: norm, why: 'Agent Lane\'s own state: invisible to the agent' });
    else if (k !== undefined) mask(norm, 'Agent Lane\'s own file (ledger address): unreadable to the agent');
  }

  return {
    workspaceRoot: root,
    writable: dedupe(writable),
    readOnly,
    masked,
    hidden,
    placeholders,
    network: networkSummary(policy),
    limits: limitsOf(policy),
    home: input.agentHome,
    scratch: input.scratch,
    notes,
    create,
  };
}

export class SandboxProfileError extends Error {
  constructor(readonly reason: 'deny-unlistable' | 'deny-hardlinks', message: string) {
    super(message);
    this.name = 'SandboxProfileError';
  }
}

/**
 * Each layer's write scope as directories; the effective scope is what every layer allows
 * (a directory survives when it lies inside a directory of every other layer).
 */
function writeScope(policy: CompiledPolicy, root: string, home: string, notes: string[]): BoxPath[] {
  let scope: BoxPath[] = [{ path: root, why: 'the workspace (no layer narrows paths.write)' }];
  let narrowed = false;
  for (const layer of policy.layers) {
    const list: GlobList | undefined = layer.paths?.write;
    if (!list) continue;
    const dirs: BoxPath[] = list.rules.map((r) => {
      const anchored = anchorPolicyGlob(r.pattern, root, home);
      const dir = fixedPrefix(anchored);
      const exact = /\/\*\*$/.test(anchored) && fixedPrefix(anchored) === anchored.slice(0, -3);
      if (!exact && !/[*?[{]/.test(anchored)) return { path: anchored, why: `${refText(r.ref)} \`${r.pattern}\`` };
      if (!exact) {
        notes.push(`\`${r.pattern}\` (${refText(r.ref)}) has no fixed directory the kernel can scope: ${dir} is writable in the box; the policy still decides every tool write`);
      }
      return { path: dir, why: `${refText(r.ref)} \`${r.pattern}\`` };
    });
    scope = narrowed ? intersect(scope, dirs) : dirs;
    narrowed = true;
  }
  return scope;
}

function protectDirs(policy: CompiledPolicy, root: string, home: string): BoxPath[] {
  const out: BoxPath[] = [];
  for (const layer of policy.layers) {
    for (const r of layer.paths?.protect.rules ?? []) {
      const anchored = anchorPolicyGlob(r.pattern, root, home);
      const dir = /[*?[{]/.test(anchored) ? fixedPrefix(anchored) : anchored;
      if (dir === root || !isInside(dir, root)) continue;
      out.push({ path: dir, why: `${refText(r.ref)} \`${r.pattern}\`` });
    }
  }
  return out;
}

function intersect(a: BoxPath[], b: BoxPath[]): BoxPath[] {
  const out: BoxPath[] = [];
  for (const x of a) {
    for (const y of b) {
      if (isInside(x.path, y.path)) out.push(x);
      else if (isInside(y.path, x.path)) out.push(y);
    }
  }
  return dedupe(out);
}

function dedupe(list: BoxPath[]): BoxPath[] {
  const out: BoxPath[] = [];
  for (const p of list) {
    if (out.some((o) => isInside(p.path, o.path))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (isInside(out[i].path, p.path)) out.splice(i, 1);
    out.push(p);
  }
  return out;
}

function expandOrEmpty(fs: FsProbe, glob: string): string[] {
  return fs.expand(glob) ?? [];
}

/** The directory part of a glob before its first wildcard segment. */
export function fixedPrefix(absGlob: string): string {
  const segs = absGlob.split('/');
  const i = segs.findIndex((s) => /[*?[{]/.test(s));
  if (i === -1) return absGlob;
  return segs.slice(0, i).join('/') || '/';
}

export function isInside(p: string, dir: string): boolean {
  return relativeInside(p, dir) !== undefined;
}

function networkSummary(policy: CompiledPolicy): SandboxProfile['network'] {
  const allow: string[] = [];
  const deny: string[] = [];
  let otherwise: 'allow' | 'ask' | 'deny' = 'allow';
  const rank = { allow: 0, ask: 1, deny: 2 } as const;
  for (const l of policy.layers) {
    if (!l.network) continue;
    allow.push(...l.network.allow.map((r) => r.pattern));
    deny.push(...l.network.deny.map((r) => r.pattern));
    if (rank[l.network.otherwise.value] > rank[otherwise]) otherwise = l.network.otherwise.value;
  }
  return { allow, deny, otherwise };
}

function limitsOf(policy: CompiledPolicy): SandboxProfile['limits'] {
  const tightest = (pick: (l: CompiledPolicy['layers'][number]) => Setting<number> | undefined): Setting<number> | undefined => {
    let best: Setting<number> | undefined;
    for (const l of policy.layers) {
      const s = pick(l);
      if (s && (!best || s.value < best.value)) best = s;
    }
    return best;
  };
  const p = tightest((l) => l.limits?.processes);
  const m = tightest((l) => l.limits?.memoryMb);
  return {
    processes: p?.value ?? DEFAULT_PROCESS_LIMIT,
    memoryMb: m?.value ?? DEFAULT_MEMORY_MB,
    processesWhy: p ? refText(p.ref) : 'default',
    memoryWhy: m ? refText(m.ref) : 'default',
  };
}

export function refText(ref: RuleRef): string {
  const file = ref.file.includes('.agentlane/') ? ref.file.slice(ref.file.lastIndexOf('.agentlane/')) : ref.file;
  return `${ref.layer} ${ref.key}${ref.line ? `, ${file}:${ref.line}` : ''}`;
}

export function relToRoot(p: string, root: string): string {
  const r = relativeInside(p, root);
  return r === undefined ? p : r === '.' ? './' : r;
}
