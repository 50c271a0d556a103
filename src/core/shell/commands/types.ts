/** What a command handler sees: one simple command after wrappers were peeled off. */
import type { Emitter } from '../emit';
import type { Arg } from '../words';

/** Where a command's standard input comes from; matters when the command is an interpreter. */
export interface Stdin {
  kind: 'tty' | 'pipe' | 'heredoc' | 'herestring' | 'file';
  /** Program names earlier in the pipeline (`curl`, `base64` …), nearest last. */
  upstream: string[];
  /** What the previous pipeline stage is known to print, e.g. `find src` → `src/**`. */
  paths?: Arg[];
  /** The pipeline started from a heredoc or here-string (`cat <<EOF | python`). */
  fed?: 'heredoc' | 'herestring';
}

export interface Invocation {
  /** Basename of argv[0] after quote removal. */
  name: string;
  /** argv[1…]. */
  args: Arg[];
  text: string;
  out: Emitter;
  stdin: Stdin;
  /** Analyse an inner command given as argv (wrappers such as `sudo`, `timeout`, `xargs`). */
  run(argv: Arg[]): void;
  /** Parse and analyse a script given as a string (`bash -c`, `watch`, `su -c`). */
  script(source: Arg, via: string): void;
  /** The command writes files even though no path is known (`npm install`, `git commit`). */
  markWrites(): void;
}

export type Handler = (inv: Invocation) => void;
