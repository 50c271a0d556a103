/** A throwaway git repository for export tests: fixed identities, no user config involved. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.com', GIT_AUTHOR_DATE: '2026-06-01T09:30:00Z',
  GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.com', GIT_COMMITTER_DATE: '2026-06-01T09:30:00Z',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

export class GitRepo {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.root, ...args], { env: ENV, encoding: 'utf8' }).trim();
  }

  write(rel: string, content: string): this {
    const full = path.join(this.root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  /** Commits everything; returns the commit and tree ids. */
  commit(message: string): { sha: string; tree: string } {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return { sha: this.git('rev-parse', 'HEAD'), tree: this.git('rev-parse', 'HEAD^{tree}') };
  }
}
