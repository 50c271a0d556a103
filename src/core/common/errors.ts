/**
 * The one error base of Agent Lane (docs/ARCHITECTURE.md, "Errors"; after gitlens `src/git/errors.ts`):
 * `reason` is always a short code a script or a caller can branch on, `message` is always prose a
 * person can act on, `cause` keeps the underlying failure. `static is(e, reason?)` finds a class
 * (and its subclasses) without duck typing.
 */
export abstract class AgentLaneError<Reason extends string = string> extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }

  /** `true` when `e` is an instance of the class `is` is called on, with `reason` when one is given. */
  static is<T extends AgentLaneError>(this: abstract new (...args: never[]) => T, e: unknown, reason?: T['reason']): e is T {
    return e instanceof this && (reason === undefined || e.reason === reason);
  }
}

/** The prose for a person: a typed error's message, any Error's message, or the thrown value itself. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

/** For switches that must handle every member of a union: adding a member fails the type check here. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
