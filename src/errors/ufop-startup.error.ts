/**
 * A boot failure meant for the operator — a bad setting, an unreachable Redis, two handlers on one route:
 * `UfopFactory.bootstrap` prints its message as one line and exits 1, with no stack trace, and the framework's
 * logger drops the copy Nest's own exception handler would print with its stack.
 */
export class UfopStartupError extends Error {
  override readonly name = 'UfopStartupError';
}

/** True for a stack (as Nest's loggers receive it) of a `UfopStartupError`. */
export function isStartupErrorStack(stack: unknown): boolean {
  return typeof stack === 'string' && stack.startsWith('UfopStartupError: ');
}

let bootReporter = false;

/** Set while `UfopFactory.bootstrap` starts the application: it reports any boot error itself, once. */
export function setBootReporter(active: boolean): void {
  bootReporter = active;
}

/**
 * Whether a line of Nest's exception handler (which logs a boot error with its stack before rethrowing it) is
 * dropped: always for a `UfopStartupError`, and for any error while `bootstrap` is there to print it.
 */
export function isReportedElsewhere(stack: unknown): boolean {
  return bootReporter || isStartupErrorStack(stack);
}
