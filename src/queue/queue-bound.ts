import { UfopOptions } from '../interfaces/ufop-options.interface';

/**
 * The least number of jobs allowed to wait for a worker when `UFOP_MAX_QUEUED` is not set, however few worker slots
 * are live: enough that a short burst, or a rolling restart of the workers (when no worker is up for a moment), is
 * queued rather than refused.
 */
export const MIN_DEFAULT_QUEUED = 16;

/**
 * The default bound on jobs waiting for a worker: one per job slot of the live workers (each slot has its next job
 * ready when it finishes one, so a request waits about one job's time for a worker), and at least
 * `MIN_DEFAULT_QUEUED`. The running jobs are not counted: they are in Bull's active list, not its wait list.
 */
export function derivedMaxQueued(liveSlots: number): number {
  return Math.max(MIN_DEFAULT_QUEUED, liveSlots);
}

/**
 * `UFOP_MAX_QUEUED` as set (in the environment or in code), or `undefined` for the default derived from the live
 * workers' slots (`derivedMaxQueued`).
 *
 * Until the options resolver leaves `maxQueued` unset when nothing sets it, it fills in `max(1, UFOP_MAX_WAITING)`:
 * a value equal to that, with no `UFOP_MAX_QUEUED` in the environment, is taken for the resolver's default.
 */
export function maxQueuedSetting(
  options: Pick<UfopOptions, 'maxQueued' | 'maxWaiting'>,
  env: Record<string, string | undefined> = process.env,
): number | undefined {
  if (env.UFOP_MAX_QUEUED?.trim()) return options.maxQueued;
  return options.maxQueued === Math.max(1, options.maxWaiting) ? undefined : options.maxQueued;
}
