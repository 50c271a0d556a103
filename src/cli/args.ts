/** Small helpers over node:util parseArgs so every subcommand reports usage errors the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
  static is(e: unknown): e is UsageError {
    return e instanceof UsageError;
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}
