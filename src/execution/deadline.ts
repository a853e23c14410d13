/**
 * `work`, or the error `late()` makes once `ms` have passed, whichever comes first; the timer is cleared either way.
 * JavaScript cannot stop the work itself: callers that can (a handler's input signal) do so in `late`.
 */
export function raceDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
