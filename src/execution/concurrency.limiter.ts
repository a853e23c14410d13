import { AsyncResource } from 'node:async_hooks';
import { UfopUnavailableError } from '../errors/ufop.errors';
import { tooBusyMessage } from '../resources/resource.messages';
import { RETRY_AFTER_SECONDS } from '../ufop.constants';

export { tooBusyMessage };

/** The async resource type of a request waiting for a handler slot (as async_hooks report it). */
const WAITER = 'UfopSlotWaiter';

interface Waiter {
  start(): void;
}

/** A request's place among the `limit + maxWaiting` that one process takes in: reading its input, waiting, or running. */
export interface LimiterPlace {
  /** Runs `work` in a handler slot, waiting for one in arrival order. */
  run<T>(work: () => Promise<T>, cancelled?: () => boolean): Promise<T>;
  /** Gives the place back (idempotent): the request is over. */
  release(): void;
}

/**
 * Bounds how many handlers run at once in this process (imgproxy-style). A request is admitted *before* its body
 * is read: it takes one of `limit + maxWaiting` places or is refused at once with 503 + Retry-After, so a burst of
 * uploads is never read into memory only to be refused. Admitted requests then wait for one of `limit` slots in
 * FIFO order; one whose request has given up (`cancelled()` is true when its turn comes) is skipped.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private places = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  get active(): number {
    return this.running;
  }

  /** Admitted requests not running a handler: reading their input or waiting for a slot. */
  get queued(): number {
    // A handler past its timeout still runs after its request gave its place back.
    return Math.max(0, this.places - this.running);
  }

  /** Takes a place or throws 503. */
  admit(): LimiterPlace {
    if (this.places >= this.limit + this.maxWaiting) {
      throw new UfopUnavailableError(tooBusyMessage(this.running, this.queued), RETRY_AFTER_SECONDS);
    }
    this.places++;
    let held = true;
    return {
      run: (work, cancelled = () => false) => this.runInSlot(work, cancelled),
      release: () => {
        if (!held) return;
        held = false;
        this.places--;
      },
    };
  }

  /** Admits and runs in one step, for calls that have no input to read first (the CLI, the testing helper). */
  async run<T>(work: () => Promise<T>, cancelled: () => boolean = () => false): Promise<T> {
    const place = this.admit();
    try {
      return await place.run(work, cancelled);
    } finally {
      place.release();
    }
  }

  private runInSlot<T>(work: () => Promise<T>, cancelled: () => boolean): Promise<T> {
    if (this.running < this.limit && this.waiting.length === 0) return this.start(work);
    return new Promise<T>((resolve, reject) => {
      // Runs in the waiting request's async context: the call that frees the slot belongs to another request, whose
      // request id (AsyncLocalStorage) the handler's log lines would otherwise carry. Not `AsyncResource.bind`: it
      // defines an accessor on each bound function, and V8 puts accessor pairs straight into the old generation,
      // whose pointers young-generation GCs treat as roots: everything the waiting request holds (its input
      // buffer among it) then outlives its request until the next full GC. Under load those buffers pile up and
      // force a full GC of the whole heap every few dozen requests (docs/BENCHMARKS.md, sharp thumbnail).
      const context = new AsyncResource(WAITER);
      this.waiting.push({
        start: () =>
          context.runInAsyncScope(() => {
            // Settled, so that whoever holds the place can release it; nobody is waiting for the answer any more.
            if (cancelled()) {
              reject(new Error('the request gave up while waiting for a handler slot'));
              return this.next();
            }
            this.start(work).then(resolve, reject);
          }),
      });
    });
  }

  private async start<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.next();
    }
  }

  private next(): void {
    if (this.running < this.limit) this.waiting.shift()?.start();
  }
}
