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
