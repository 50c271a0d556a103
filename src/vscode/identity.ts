/**
 * The supervisor's identity in VS Code: the `agentLane.supervisor.*` settings first, then git's
 * `user.name` / `user.email`, then the OS user. Git is asked once, asynchronously, and the answer
 * cached (the extension host must not block on `git config` for every approval click); a change
 * of the supervisor settings or of the workspace folder asks again.
 */
import * as os from 'node:os';
import { runGitText } from '../core/git/exec';
import type { Supervisor } from '../core/trace/schema';
import type { Config } from './config';
import { Disposable } from './lifecycle';

export class SupervisorIdentity extends Disposable {
  private fromGit: Promise<Supervisor | null> | undefined;
  private gitAnswer: Supervisor | null | undefined;

  constructor(private readonly config: Config, private readonly root: () => string | undefined) {
    super();
    this._register(config.onDidChange((c) => {
      if (c.affects('supervisor.name') || c.affects('supervisor.email')) this.forget();
    }));
  }

  /** Starts the one git lookup early, so the first `current()` rarely falls back to the OS user. */
  warm(): void {
    void this.resolve();
  }

  /** The identity now: settings, else git's cached answer, else the OS user while git is asked. */
  current(): Supervisor | null {
    const configured = this.config.supervisor;
    if (configured.name) return configured;
    if (this.gitAnswer === undefined) this.warm();
    return this.gitAnswer ?? osUser();
  }

  /** The identity once git has answered (for a session's start, recorded in its trace). */
  async resolve(): Promise<Supervisor | null> {
    const configured = this.config.supervisor;
    if (configured.name) return configured;
    if (!this.fromGit) {
      const pending = readGitUser(this.root());
      this.fromGit = pending;
      // An answer that arrives after forget() belongs to the old settings: drop it.
      void pending.then((s) => { if (this.fromGit === pending) this.gitAnswer = s; });
    }
    return (await this.fromGit) ?? osUser();
  }

  forget(): void {
    this.fromGit = undefined;
    this.gitAnswer = undefined;
  }
}

async function readGitUser(cwd: string | undefined): Promise<Supervisor | null> {
  const get = (key: string): Promise<string> => runGitText(cwd ?? os.homedir(), ['config', '--get', key]).then((s) => s.trim(), () => '');
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return name ? { name, email } : null;
}

function osUser(): Supervisor | null {
  const user = os.userInfo().username;
  return user ? { name: user, email: '' } : null;
}

export function formatPerson(p: Supervisor | null): string {
  if (!p) return 'unknown supervisor';
  return p.email ? `${p.name} <${p.email}>` : p.name;
}
