import type { Queue } from 'bull';
import { UfopUnavailableError } from '../errors/ufop.errors';
import { RETRY_AFTER_SECONDS } from '../ufop.constants';

/** How old the known length of the wait list may be before it is read again. */
const REFRESH_MS = 100;

export const queueFullMessage = (waiting: number, max: number) =>
  `too busy: ${waiting} jobs already waiting for a worker (UFOP_MAX_QUEUED=${max}); try again later`;

/**
 * Backpressure for queue mode: past `maxQueued` jobs waiting for a worker, a new request is refused with 503 +
 * Retry-After before its input is stored. Reading the wait list's length on every request would add a round trip
 * to each; instead the length is read at most every 100 ms, in the background, and the jobs this process added
 * since are counted on top. The bound is therefore exact for one web process and within what the other web
 * processes added in the last 100 ms for several.
 */
export class QueueDepth {
  private known = 0;
  private addedSince = 0;
  private readAt = 0;
  private reading?: Promise<void>;

  constructor(
    private readonly queue: Queue,
    readonly maxQueued: number,
  ) {}

  /** Counts one more job, or throws 503 when the queue is full. */
  admit(): void {
    this.refresh();
    const waiting = this.known + this.addedSince;
    if (waiting >= this.maxQueued) {
      throw new UfopUnavailableError(queueFullMessage(waiting, this.maxQueued), RETRY_AFTER_SECONDS);
    }
    this.addedSince++;
  }

  private refresh(): void {
    if (this.reading || Date.now() - this.readAt < REFRESH_MS) return;
    const started = Date.now();
    const addedBefore = this.addedSince;
    this.reading = this.queue
      .getWaitingCount()
      .then((count) => {
        // Jobs added while the length was being read are not in it: keep counting them.
        this.known = count;
        this.addedSince -= addedBefore;
        this.readAt = started;
      })
      .catch(() => undefined) // Redis trouble is reported by the request itself
      .finally(() => (this.reading = undefined));
  }
}
