/**
 * Reads `read` every `everyMs` until `done` accepts what it returned or `ms` have passed, and returns the last value
 * read: the assertion that follows says what was wrong if it never settled. For effects that trail an answer (a
 * DEL sent after the response, a temp file removed once a stream closes).
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  ms = 5_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** For `eventually`: nothing left (no keys, no files). */
export const empty = (values: readonly unknown[]): boolean => values.length === 0;

/**
 * Waits until `probe` holds (a probe that throws, e.g. against a server still restarting, counts as not yet) and
 * throws naming `what` if it never does within `ms`. The cap only stops a broken run; it is not a performance bound.
 */
export async function until(
  probe: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
  everyMs = 20,
): Promise<void> {
  const held = await eventually(
    async () => {
      try {
        return await probe();
      } catch {
        return false;
      }
    },
    (value) => value,
    ms,
    everyMs,
  );
  if (!held) throw new Error(`never happened within ${ms} ms: ${what}`);
}
