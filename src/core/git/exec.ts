/**
 * The one way this package runs git: `execFile` with an argument array (never a shell), no
 * pager, no prompts, paths printed raw. The caller's environment is kept on purpose: inside a
 * hook git passes `GIT_INDEX_FILE` (e.g. for `git commit -a`), and the staged tree must be
 * computed from that index, not the default one.
 */
import { execFile } from 'node:child_process';
import { GitError, type GitErrorReason } from './errors';

const MAX_BUFFER = 256 * 1024 * 1024;

export interface GitRunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
}

export function runGit(cwd: string, args: readonly string[], opts: GitRunOptions = {}): Promise<Buffer> {
  const full = ['-c', 'core.quotepath=off', ...args];
  return new Promise((resolve, reject) => {
    const child = execFile('git', full, {
      cwd,
      encoding: 'buffer',
      maxBuffer: MAX_BUFFER,
      env: { ...(opts.env ?? process.env), GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' },
    }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      reject(toGitError(err, stderr.toString('utf8'), args));
    });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input);
    }
  });
}

export async function runGitText(cwd: string, args: readonly string[], opts: GitRunOptions = {}): Promise<string> {
  return (await runGit(cwd, args, opts)).toString('utf8');
}

function toGitError(err: { code?: string | number | null; message: string }, stderr: string, args: readonly string[]): GitError {
  if (err.code === 'ENOENT') return new GitError('git-missing', 'git is not installed or not on PATH', args);
  if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new GitError('output-too-large', `\`git ${args[0] ?? ''}\` printed more than ${MAX_BUFFER >> 20} MiB`, args);
  }
  const first = stderr.trim().split('\n').find((l) => l.trim() !== '') ?? err.message;
  return new GitError(classify(first), `git ${args[0] ?? ''}: ${first}`, args);
}

function classify(message: string): GitErrorReason {
  if (/not a git repository/i.test(message)) return 'not-a-repo';
  if (/unknown revision|bad revision|ambiguous argument|invalid object name|not a valid object|bad object/i.test(message)) return 'unknown-revision';
  return 'git-failed';
}
