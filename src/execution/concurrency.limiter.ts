import { AsyncResource } from 'node:async_hooks';
import { UfopUnavailableError } from '../errors/ufop.errors';

export const tooBusyMessage = (running: number, waiting: number) =>
  `too busy: ${running} handlers running and ${waiting} requests waiting; try again later`;

interface Waiter {
  start(): void;
}

/**
 * Bounds how many handlers run at once in this process (imgproxy-style): past `limit`, calls wait in FIFO order;
 * past `maxWaiting` waiting calls, a new one is refused at once with 503 rather than pile up in memory.
 * A waiting call whose request has given up (`cancelled()` is true when its turn comes) is skipped.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  run<T>(work: () => Promise<T>, cancelled: () => boolean = () => false): Promise<T> {
    if (this.running < this.limit) return this.start(work);
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new UfopUnavailableError(tooBusyMessage(this.running, this.waiting.length)));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        // [obs] bound to the waiting request's async context: the call that frees the slot belongs to another
        // request, whose request id (AsyncLocalStorage) the handler's log lines would otherwise carry.
        start: AsyncResource.bind(() => {
          if (cancelled()) return this.next();
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
