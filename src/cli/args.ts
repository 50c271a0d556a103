/** Small helpers over node:util parseArgs so every subcommand reports usage errors the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AgentLaneError, describeError } from '../core/common/errors';

/** The command line is wrong: exit 2 with the message (which says how to call it). */
export class UsageError extends AgentLaneError<'usage'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(describeError(err), { cause: err });
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}
