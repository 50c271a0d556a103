/** Who supervises a headless lane: `--supervisor "Name <email>"`, else git's user, else the OS user. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import type { Supervisor } from '../core/trace/schema';
import { UsageError } from './args';

export function parseSupervisor(text: string): Supervisor {
  const m = /^\s*([^<]+?)\s*<([^>]+)>\s*$/.exec(text);
  if (!m) throw new UsageError(`--supervisor must look like "Ada Lovelace <ada@example.com>", got \`${text}\``);
  return { name: m[1], email: m[2] };
}

export function supervisorFromGit(cwd: string): Supervisor | null {
  const get = (key: string): string => {
    try {
      return execFileSync('git', ['config', '--get', key], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const name = get('user.name');
  const email = get('user.email');
  if (name) return { name, email };
  const user = os.userInfo().username;
  return user ? { name: user, email: '' } : null;
}
