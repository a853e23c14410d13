/** Distinct messages remembered: past it, the one said longest ago is forgotten, with its count. */
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
    if (this.said.size > MAX_REMEMBERED) this.said.delete(this.said.keys().next().value!);
    if (!suppressed) return message;
    return `${message} (${suppressed} more since it was last logged)`;
  }
}
