/**
 * Handler slots of one process, for the `ufop_handler_slots*` gauges: `ConcurrencyLimiter` (inline mode) and the
 * queue worker satisfy it as they are.
 */
export interface UfopSlots {
  /** Handlers this process may run at once. */
  readonly limit: number;
  /** Handlers running now. */
  readonly active: number;
  /** Requests waiting for a slot in this process. */
  readonly queued: number;
}
