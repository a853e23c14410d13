import type { Queue } from 'bull';
import { UfopUnavailableError } from '../errors/ufop.errors';
import { RETRY_AFTER_SECONDS } from '../ufop.constants';
import { derivedMaxQueued } from './queue-bound';
import { WorkerSlots } from './worker-slots';
import { commandConnection } from './bull-connections';

/** How old the known length of the wait list (and the workers' slots) may be before it is read again. */
const REFRESH_MS = 100;
/**
 * How old the read of the live workers may be for a web process to hand an input over in its folder (`sharedBy`), or
 * to keep it in memory for its own worker (`onlyWorker`).
 */
const SHARED_VIEW_MS = 1000;

export const queueFullMessage = (waiting: number, max: number, derived?: { slots: number; floor: number }) =>
  derived
    ? `too busy: ${waiting} jobs already waiting for a worker (UFOP_MAX_QUEUED unset: ${max}, from the live workers' ${derived.slots} slots, at least UFOP_MAX_WAITING=${derived.floor}); try again later`
    : `too busy: ${waiting} jobs already waiting for a worker (UFOP_MAX_QUEUED=${max}); try again later`;

/**
 * Backpressure for queue mode: past a bound on the jobs waiting for a worker, a new request is refused with 503 +
 * Retry-After before its input is stored. The bound is `UFOP_MAX_QUEUED`, or by default one job per slot of the
 * live workers, which they advertise in Redis (`WorkerSlots`), and at least `UFOP_MAX_WAITING` (`derivedMaxQueued`).
 *
 * Reading the wait list's length on every request would add a round trip to each; instead it is read at most every
 * 100 ms, in the background (with the workers' slots, in the same round trip), and corrected by how many more jobs
 * this process has in flight than it had when the read began. The estimate is therefore off by at most the jobs of
 * this process that a worker took meanwhile (no more than the workers' slots) and by what the other web processes
 * added in the last 100 ms.
 */
export class QueueDepth {
  private known = 0;
  private inFlight = 0;
  private inFlightAtRead = 0;
  private liveSlots = 0;
  private liveMembers: string[] = [];
  /** Whether the last read found a live worker (undefined before the first read). */
  private workersSeen?: boolean;
  private readAt = 0;
  private reading?: Promise<void>;

  constructor(
    private readonly queue: Queue,
    private readonly workersKey: string,
    /** `UFOP_MAX_QUEUED` when set; undefined derives the bound from the live workers' slots. */
    private readonly maxQueued: number | undefined,
    /** The least the derived bound may be (`UFOP_MAX_WAITING`). */
    private readonly floor: number,
    /**
     * Told the live workers' slots when that changes between none and some (and at the first read, if none): a
     * web process with no worker behind it queues its jobs, and its requests wait until a worker comes or they
     * time out; the operator should hear of it then, not 2 minutes later from a 504.
     */
    private readonly onWorkers?: (slots: number) => void,
  ) {}

  /** The bound in force now. */
  get limit(): number {
    return this.maxQueued ?? derivedMaxQueued(this.liveSlots, this.floor);
  }

  /**
   * Counts one more job of this process, or throws 503 when the queue is full. Pair with `release`. Resolves at once
   * unless the estimate says full and is older than 100 ms (after a quiet spell, jobs then counted as added may be
   * running, or done): then it waits for the read already under way, so a refusal is never based on a stale count.
   */
  async admit(): Promise<void> {
    this.refresh();
    if (this.estimate() >= this.limit && this.reading && Date.now() - this.readAt >= REFRESH_MS) await this.reading;
    const waiting = this.estimate();
    const limit = this.limit;
    if (waiting >= limit) {
      const derived = this.maxQueued === undefined ? { slots: this.liveSlots, floor: this.floor } : undefined;
      throw new UfopUnavailableError(queueFullMessage(waiting, limit, derived), RETRY_AFTER_SECONDS);
    }
    this.inFlight++;
  }

  /** Jobs waiting for a worker: the last length read, plus the jobs this process has in flight beyond those it had then. */
  private estimate(): number {
    return this.known + Math.max(0, this.inFlight - this.inFlightAtRead);
  }

  /**
   * Whether every live worker uses the handoff folder of token `handoff`, as read within the last second: after a
   * quiet spell the answer is no until a fresh read says otherwise (a worker of another folder may have come).
   */
  sharedBy(handoff: string): boolean {
    return WorkerSlots.sharedBy(this.recentMembers(), handoff);
  }

  /**
   * Whether the worker advertised as `member` is the one live worker, as read within the last second: after a quiet
   * spell the answer is no until a fresh read says otherwise.
   */
  onlyWorker(member: string): boolean {
    return WorkerSlots.onlyMember(this.recentMembers(), member);
  }

  /** The live workers as read within the last second; none (so every answer is no) after a quiet spell. */
  private recentMembers(): string[] {
    return Date.now() - this.readAt < SHARED_VIEW_MS ? this.liveMembers : [];
  }

  /** One job of this process is over (answered, failed or given up). */
  release(): void {
    this.inFlight--;
  }

  private refresh(): void {
    if (this.reading || Date.now() - this.readAt < REFRESH_MS) return;
    const started = Date.now();
    const inFlight = this.inFlight;
    const client = commandConnection(this.queue);
    // Bull's getWaitingCount() is these two lengths (a paused queue's jobs wait in its paused list). Issued in one
    // turn, the three commands leave in one write (`batchWritesPerTick`): one round trip, no pipeline object.
    this.reading = Promise.all([
      client.llen(this.queue.toKey('wait')),
      client.llen(this.queue.toKey('paused')),
      WorkerSlots.read(client, this.workersKey),
    ])
      .then(([wait, paused, members]) => {
        this.known = wait + paused;
        this.liveSlots = WorkerSlots.total(members);
        this.liveMembers = members;
        this.noticeWorkers(this.liveSlots > 0);
        // Jobs added while the length was being read may or may not be in it: counted as if they were not.
        this.inFlightAtRead = inFlight;
        this.readAt = started;
      })
      .catch(() => undefined) // Redis trouble is reported by the request itself
      .finally(() => (this.reading = undefined));
  }

  private noticeWorkers(seen: boolean): void {
    const changed = seen !== (this.workersSeen ?? true);
    this.workersSeen = seen;
    if (changed) this.onWorkers?.(this.liveSlots);
  }
}
