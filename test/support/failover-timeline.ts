import Redis from 'ioredis';

/**
 * What happened when, from the moment a master is killed: when the first sentinel announced the promotion
 * (`+switch-master`), and when each named client connection (`ufop-<role>-<pid>`, see the queue options) first
 * showed up on the replica that became the master, seen by polling its CLIENT LIST every 50 ms.
 */
export class FailoverTimeline {
  /** ms from `since` to the first `+switch-master`. */
  promotedMs?: number;
  /** ms from `since` to the first sight of each connection name on the new master, with how many there were. */
  readonly connected = new Map<string, { ms: number; connections: number }>();
  private readonly sentinel: Redis;
  private readonly replica: Redis;
  private polling = true;
  private readonly poll: Promise<void>;

  constructor(
    private readonly since: number,
    sentinelPort: number,
    replicaPort: number,
  ) {
    this.sentinel = new Redis(sentinelPort, '127.0.0.1');
    this.sentinel.on('error', () => undefined);
    this.sentinel.on('message', () => (this.promotedMs ??= Date.now() - since));
    void this.sentinel.subscribe('+switch-master').catch(() => undefined);
    this.replica = new Redis(replicaPort, '127.0.0.1', { maxRetriesPerRequest: 1 });
    this.replica.on('error', () => undefined);
    this.poll = this.run();
  }

  private async run(): Promise<void> {
    while (this.polling) {
      const list = (await this.replica.call('CLIENT', 'LIST').catch(() => '')) as string;
      const at = Date.now() - this.since;
      const counts = new Map<string, number>();
      for (const name of list.matchAll(/ name=(ufop-\S+)/g)) counts.set(name[1], (counts.get(name[1]) ?? 0) + 1);
      for (const [name, connections] of counts) {
        const seen = this.connected.get(name);
        // The time all of a process's connections were there: the last one to come back is what counts.
        if (!seen || connections > seen.connections) this.connected.set(name, { ms: at, connections });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops watching; the timeline as an object for the log. */
  async stop(): Promise<{
    promotedMs: number | null;
    reconnected: Record<string, { ms: number; connections: number }>;
  }> {
    this.polling = false;
    await this.poll;
    this.sentinel.disconnect();
    this.replica.disconnect();
    return { promotedMs: this.promotedMs ?? null, reconnected: Object.fromEntries(this.connected) };
  }
}
