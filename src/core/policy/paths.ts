/**
 * Path normalisation the engine relies on. Pure string work: `..`, `.`, duplicate slashes,
 * `~`, absolute paths inside the workspace. Symlinks are resolved before evaluation by a
 * caller-supplied function (see EvaluationContext.realpath) so this stays free of I/O.
 */
import * as posix from 'node:path/posix';

export interface ResolvedPath {
  /** Absolute, normalised. */
  abs: string;
  /** Relative to the workspace root with `/` separators, or undefined when outside it. */
  rel: string | undefined;
}

export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return posix.join(home, p.slice(2));
  return p;
}

/** Windows paths from a tool input become POSIX-shaped so one matcher serves every platform. */
export function toPosix(p: string): string {
  return p.replace(/\\/g, '/').replace(/^([a-zA-Z]):\//, (_m, d: string) => `/${d.toLowerCase()}/`);
}

export function resolvePath(p: string, cwd: string, root: string, home: string): ResolvedPath {
  const expanded = expandHome(toPosix(p), home);
  const abs = posix.resolve(toPosix(cwd), expanded);
  return { abs, rel: relativeInside(abs, toPosix(root)) };
}

export function relativeInside(abs: string, root: string): string | undefined {
  const r = posix.normalize(root).replace(/\/+$/, '') || '/';
  if (abs === r) return '.';
  const prefix = r === '/' ? '/' : `${r}/`;
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : undefined;
}

/**
 * A glob path from a command, made absolute. A wildcard followed by `..` can climb anywhere
 * (`*\/../../x`), so such globs widen to everything: the conservative reading.
 */
export function resolveGlob(p: string, cwd: string, home: string): string {
  const expanded = expandHome(toPosix(p), home);
  const abs = expanded.startsWith('/') ? expanded : `${toPosix(cwd).replace(/\/+$/, '')}/${expanded}`;
  const segments = abs.split('/');
  const firstWild = segments.findIndex((s) => /[*?[{]/.test(s));
  if (firstWild !== -1 && segments.slice(firstWild).some((s) => s === '..')) return '/**';
  return posix.normalize(abs);
}

/** Policy globs are workspace-relative unless absolute or `~`-anchored. */
export function anchorPolicyGlob(glob: string, root: string, home: string): string {
  const g = expandHome(toPosix(glob), home);
  if (g.startsWith('/')) return g;
  const r = toPosix(root).replace(/\/+$/, '');
  return `${r}/${g.replace(/^\.\//, '')}`;
}
