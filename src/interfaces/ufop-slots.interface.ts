/**
 * Handler slots of one process, for the `ufop_handler_slots*` gauges: `ConcurrencyLimiter` (inline mode) and the
 * queue worker satisfy it as they are.
 */
export interface UfopSlots {
  /** Handlers this process may run at once. */
  readonly limit: number;
  /** Handlers running now. */
  readonly active: number;
  /** Requests admitted in this process that are not running a handler yet (reading input, or waiting for a slot). */
  readonly queued: number;
}
