import { UfopOptions } from '../interfaces/ufop-options.interface';

/**
 * The default bound on jobs waiting for a worker: one per job slot of the live workers (each slot has its next job
 * ready when it finishes one, so a request waits about one job's time for a worker), and never fewer than `floor`
 * (`UFOP_MAX_WAITING`, what one inline process lets wait), so that a small fleet, a burst or a rolling restart of the
 * workers (no worker up for a moment) is queued rather than refused. The running jobs are not counted: they are in
 * Bull's active list, not its wait list.
 */
export function derivedMaxQueued(liveSlots: number, floor: number): number {
  return Math.max(floor, liveSlots);
}

/** The floor of the default bound: `UFOP_MAX_WAITING`, at least 1. */
export function maxQueuedFloor(options: Pick<UfopOptions, 'maxWaiting'>): number {
  return Math.max(1, options.maxWaiting);
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
  return options.maxQueued === maxQueuedFloor(options) ? undefined : options.maxQueued;
}
