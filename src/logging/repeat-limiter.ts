/**
 * Distinct messages remembered: past it, those whose window is over are forgotten first (and under a flood of
 * distinct messages, the oldest of them, down to this; at most twice as many are kept in between).
 */
const MAX_REMEMBERED = 100;

interface Said {
  /** Until when (epoch ms) the same message is only counted. */
  until: number;
  /** How many times it came since it was last said. */
  suppressed: number;
}

/**
 * Says a repeated message once per window, with how many times it came in between. Bull emits an `error` for every
 * command of its loops that fails, so a Redis that refuses writes or is gone makes each worker log the same line
 * several times a second for as long as it lasts; once per window, with the count, says the same.
 */
export class RepeatLimiter {
  private readonly said = new Map<string, Said>();

  constructor(private readonly windowMs: number) {}

  /** The line to log for `message` now, or undefined when it was said within the window (it is counted). */
  admit(message: string, now = Date.now()): string | undefined {
    const said = this.said.get(message);
    if (said && now < said.until) {
      said.suppressed++;
      return undefined;
    }
    const suppressed = said?.suppressed ?? 0;
    this.said.delete(message); // re-inserted last: the map stays in order of the last time each was said
    this.said.set(message, { until: now + this.windowMs, suppressed: 0 });
    if (this.said.size > MAX_REMEMBERED) this.forget(now);
    if (!suppressed) return message;
    return `${message} (${suppressed} more since it was last logged)`;
  }

  /**
   * Forgets messages whose window is over, the oldest first, down to the bound; under a flood of distinct messages,
   * the oldest even within their window (at most twice the bound are kept). A message forgotten loses its count.
   */
  private forget(now: number): void {
    for (const [message, said] of this.said) {
      if (this.said.size <= MAX_REMEMBERED) return;
      if (said.until <= now || this.said.size > 2 * MAX_REMEMBERED) this.said.delete(message);
    }
  }
}
