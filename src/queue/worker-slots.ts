import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/**
 * The job slots of the live worker processes, kept in Redis so that a web process can size its backpressure to
 * what the workers can hold. Each worker process is one member of a sorted set, `<slots>:<uuid>`, scored with the
 * epoch ms at which it stops counting; it renews that every third of the lifetime (one ZADD), and removes itself
 * when it stops taking jobs. A worker that dies without a word stops counting once its lifetime lapses: the
 * lifetime is the queue's lock (`UFOP_QUEUE_LOCK_MS`), the time after which its jobs too are given up for lost.
 * Scores are the workers' clocks, read by the web processes' clocks: machines whose clocks differ by more than
 * about two thirds of the lock may see a live worker's slots lapse between heartbeats. A worker with a handoff folder
 * adds the folder's token (`<slots>:<uuid>:<token>`): a web process hands inputs over in the folder only while
 * every live worker names its own token (`sharedBy`).
 */
export class WorkerSlots {
  /** This process's member of the set (`<slots>:<uuid>` or `<slots>:<uuid>:<token>`). */
  readonly member: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly slots: number,
    private readonly lifetimeMs: number,
    /** The token of the worker's handoff folder, if it has one. */
    handoff?: string,
  ) {
    this.member = `${slots}:${randomUUID()}${handoff ? `:${handoff}` : ''}`;
  }

  /** Advertises this process's slots now and keeps them advertised until `stop`. */
  start(): void {
    const renew = () => {
      const now = Date.now();
      // Members past their lifetime go at the same time: whoever renews cleans up after the dead.
      this.client
        .multi()
        .zremrangebyscore(this.key, '-inf', `(${now}`)
        .zadd(this.key, now + this.lifetimeMs, this.member)
        .pexpire(this.key, this.lifetimeMs)
        .exec()
        .catch(() => undefined); // Redis away: tried again at the next beat; the web side falls back to its floor
    };
    renew();
    this.timer = setInterval(renew, Math.max(1, Math.floor(this.lifetimeMs / 3)));
    this.timer.unref();
  }

  /** Stops advertising: the process takes no more jobs (it is draining or stopping). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.client.zrem(this.key, this.member).catch(() => undefined);
  }

  /** The live members; `total` adds up their slots. */
  static read(client: Pick<Redis, 'zrangebyscore'>, key: string): Promise<string[]> {
    return client.zrangebyscore(key, Date.now(), '+inf');
  }

  static total(members: string[]): number {
    let slots = 0;
    for (const member of members) slots += Number.parseInt(member, 10) || 0;
    return slots;
  }

  /** Whether `member` is the one live worker. */
  static onlyMember(members: string[], member: string): boolean {
    return members.length === 1 && members[0] === member;
  }

  /** Whether there are live workers and every one of them uses the handoff folder of token `handoff`. */
  static sharedBy(members: string[], handoff: string): boolean {
    return members.length > 0 && members.every((member) => member.split(':')[2] === handoff);
  }
}
