/**
 * The message of a `git commit -m …` as the pre-commit hook can know it: git runs pre-commit
 * before it writes the message, but its own argv (the hook's parent process) holds `-m`.
 * Several `-m` are joined as paragraphs, as git does. `-F`/editor messages stay unknown (null).
 */
export function messageFromCommitArgv(argv: readonly string[]): string | null {
  const parts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '-m' || a === '--message') {
      if (i + 1 < argv.length) parts.push(argv[++i]);
    } else if (a.startsWith('--message=')) {
      parts.push(a.slice('--message='.length));
    } else if (/^-[a-zA-Z]*m/.test(a) && !a.startsWith('--')) {
      // Clustered short flags: `-am msg`, `-mmsg`.
      const at = a.indexOf('m');
      const rest = a.slice(at + 1);
      if (rest) parts.push(rest);
      else if (i + 1 < argv.length) parts.push(argv[++i]);
    }
  }
  return parts.length ? parts.join('\n\n') : null;
}
