/**
 * getopt-style splitting of a command's arguments into flags and operands. Only the flags that
 * take a value need to be declared: an undeclared flag is assumed to take none, so a value we
 * did not expect is treated as an operand (a path), which errs on the side of more file actions.
 */
import type { Arg } from '../words';

export interface Flag {
  /** Short letter (`r`) or long name without dashes (`recursive`). */
  name: string;
  value?: Arg;
  /** Index in the original args of the flag word itself. */
  index: number;
}

export interface ParsedArgs {
  flags: Flag[];
  operands: Arg[];
  /** Args after the first operand when `stopAtOperand` is set (the wrapped command). */
  rest: Arg[];
}

export interface ArgSpec {
  /** Short letters and long names that consume a value. */
  withValue?: readonly string[];
  /** Wrappers: the first operand starts the inner command; later words are not ours. */
  stopAtOperand?: boolean;
  /** Long options spelled with one dash (`find -name`, `java -jar`): treat `-word` as one flag. */
  singleDashLong?: boolean;
  /** Options that consume the next two words (`jq --rawfile NAME FILE`); `value` is the second. */
  withTwoValues?: readonly string[];
}

export function parseArgs(args: readonly Arg[], spec: ArgSpec = {}): ParsedArgs {
  const withValue = new Set(spec.withValue ?? []);
  const withTwo = new Set(spec.withTwoValues ?? []);
  const flags: Flag[] = [];
  const operands: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a.value;
    if (v === '--' && !a.dynamic) {
      // `nice -- cat f`: for a wrapper, the word after `--` starts the wrapped command
      if (spec.stopAtOperand && i + 1 < args.length) return { flags, operands: [args[i + 1]], rest: args.slice(i + 2) };
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!v.startsWith('-') || v === '-' || a.procSub) {
      if (spec.stopAtOperand) return { flags, operands: [a], rest: args.slice(i + 1) };
      operands.push(a);
      continue;
    }
    if (v.startsWith('--') || spec.singleDashLong) {
      const body = v.replace(/^--?/, '');
      const eq = body.indexOf('=');
      if (withTwo.has(body) && eq === -1) {
        flags.push({ name: body, value: args[i + 2] ?? args[i + 1], index: i });
        i += 2;
      } else if (eq !== -1) {
        const value: Arg = { ...a, value: body.slice(eq + 1), path: a.path.slice(a.path.indexOf('=') + 1) };
        flags.push({ name: body.slice(0, eq), value, index: i });
      } else if (withValue.has(body) && i + 1 < args.length) {
        flags.push({ name: body, value: args[++i], index: i - 1 });
      } else {
        flags.push({ name: body, index: i });
      }
      continue;
    }
    const cluster = v.slice(1);
    for (let j = 0; j < cluster.length; j++) {
      const letter = cluster[j];
      if (!withValue.has(letter)) {
        flags.push({ name: letter, index: i });
        continue;
      }
      const inline = cluster.slice(j + 1);
      if (inline !== '') {
        const offset = a.path.length - inline.length;
        flags.push({ name: letter, value: { ...a, value: inline, path: a.path.slice(Math.max(0, offset)) }, index: i });
      } else if (i + 1 < args.length) {
        flags.push({ name: letter, value: args[++i], index: i - 1 });
      } else {
        flags.push({ name: letter, index: i });
      }
      break;
    }
  }
  return { flags, operands, rest: [] };
}

export function hasFlag(p: ParsedArgs, ...names: string[]): boolean {
  return p.flags.some((f) => names.includes(f.name));
}

export function flagValues(p: ParsedArgs, ...names: string[]): Arg[] {
  return p.flags.filter((f) => names.includes(f.name) && f.value !== undefined).map((f) => f.value as Arg);
}
