/**
 * git's global options (`git [global options] <subcommand> …`), one table used by every part
 * of the engine: the git handler, shell-rule matching (`git push*`) and ship mode's commit gate.
 * Read from git's own `handle_options()`: the options that take the next word as their value,
 * and those that take a value only after `=`.
 */

/** `git -C dir`, `git --git-dir dir`, also spelled `--git-dir=dir`. */
export const GIT_GLOBAL_WITH_VALUE: readonly string[] = ['C', 'c', 'git-dir', 'work-tree', 'namespace', 'super-prefix', 'config-env', 'attr-source', 'list-cmds', 'shallow-file'];

/** Take a value only as `--name=value` (`git --exec-path` alone prints the path). */
export const GIT_GLOBAL_EQUALS_ONLY: readonly string[] = ['exec-path'];

/** Global flags that take no value. */
export const GIT_GLOBAL_FLAGS: readonly string[] = ['p', 'paginate', 'P', 'no-pager', 'no-replace-objects', 'no-lazy-fetch', 'no-optional-locks', 'no-advice', 'bare',
  'literal-pathspecs', 'glob-pathspecs', 'noglob-pathspecs', 'icase-pathspecs', 'html-path', 'man-path', 'info-path', 'version', 'help'];

const WITH_VALUE = new Set(GIT_GLOBAL_WITH_VALUE);

/**
 * The subcommand of a git argv, skipping global options with their values; undefined when
 * argv is not git or has no subcommand.
 */
export function gitSubcommand(argv: readonly string[]): string | undefined {
  if (argv.length === 0 || !/(^|\/)git$/.test(argv[0])) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (a.includes('=')) continue;
    const name = a.replace(/^--?/, '');
    if (WITH_VALUE.has(name)) i++;
  }
  return undefined;
}

/**
 * Subcommands that write history (a commit, a merge, a moved branch): ship mode holds each of
 * them for approval like `git commit`, so none slips past the acknowledgement path.
 */
export const GIT_HISTORY_WRITERS: readonly string[] = ['commit', 'revert', 'cherry-pick', 'merge', 'am', 'pull', 'rebase', 'fast-import', 'stash', 'filter-branch', 'filter-repo', 'replace', 'notes', 'commit-tree', 'update-ref'];

export function isGitHistoryWrite(argv: readonly string[]): boolean {
  const sub = gitSubcommand(argv);
  if (sub === undefined) return false;
  if (GIT_HISTORY_WRITERS.includes(sub)) return !(sub === 'stash' && ['list', 'show'].includes(argv[argv.indexOf(sub) + 1] ?? ''));
  return sub === 'reset' && argv.some((a) => a === '--hard' || a === '--merge' || a === '--keep');
}
