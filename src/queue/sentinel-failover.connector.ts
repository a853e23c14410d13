import type { SentinelConnectionOptions, SentinelConnector as IoredisSentinelConnector } from 'ioredis';
import { bullIoredis } from './bull-ioredis';

/** The ioredis that Bull's connections use (a dependency of bull, not of qiniu-ufop itself: resolved through it). */
const { Redis, SentinelConnector } = bullIoredis();

type ErrorEmitter = Parameters<IoredisSentinelConnector['connect']>[0];
type NetStream = Awaited<ReturnType<IoredisSentinelConnector['connect']>>;

/** What sentinels publish once they have promoted a replica: `<name> <old-ip> <old-port> <new-ip> <new-port>`. */
export const SWITCH_MASTER_CHANNEL = '+switch-master';

/**
 * ioredis's Sentinel connector with a failover detector that cannot end the connection for good.
 *
 * ioredis's own detector (`failoverDetector: true`) answers a `+switch-master` by calling the connector's
 * `disconnect()`, the call that also closes a client for good: it clears the flag that a connection attempt under
 * way checks once a sentinel has answered. After a crashed master that is the usual state: every client retries
 * until the sentinels have promoted a replica, and the notice arrives while some of them are asking a sentinel
 * where the master is. Those abandon the attempt with "Connection is closed.", go to status `end` and never
 * reconnect (61 of 100 clients after one SIGKILLed master on a loaded machine: in a UFOP process, one of Bull's
 * connections is enough to answer 503 until a restart). Still so in ioredis 6.0.
 *
 * This connector answers the notice by destroying only its socket to the old master, if it still has one: the
 * client then reconnects as after any lost connection, asking a sentinel anew. A client already between attempts is
 * left alone: it asks the sentinels anyway. The notice matters when the old master is up but unreachable or frozen
 * (a partition, a paused VM): no socket is closed then, and without it the client would wait on the old one.
 */
export class SentinelFailoverConnector extends SentinelConnector {
  /** One subscriber per configured sentinel while this connector has a connection (or is making one). */
  private watchers: InstanceType<typeof Redis>[] = [];

  // ioredis builds a `Connector` from the client's options, typed `unknown` there.
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
  }

  override async connect(eventEmitter: ErrorEmitter): Promise<NetStream> {
    const stream = await super.connect(eventEmitter);
    if (this.watchers.length === 0) this.watch();
    return stream;
  }

  /** Called by the client to close or to reconnect: either way the next `connect()` watches again. */
  override disconnect(): void {
    super.disconnect();
    for (const watcher of this.watchers.splice(0)) watcher.disconnect();
  }

  private watch(): void {
    const options = this.options;
    for (const sentinel of options.sentinels ?? []) {
      const watcher = new Redis({
        host: sentinel.host ?? '127.0.0.1',
        port: sentinel.port ?? 26379,
        family: sentinel.family,
        username: options.sentinelUsername ?? undefined,
        password: options.sentinelPassword ?? undefined,
        tls: options.sentinelTLS,
        connectTimeout: options.connectTimeout,
        enableReadyCheck: false,
        // A sentinel that is away is tried again every few seconds; the subscription comes back with it (and
        // waits for it: never dropped after a number of retries).
        retryStrategy: (times: number) => Math.min(1000 * times, 5000),
        maxRetriesPerRequest: null,
      });
      watcher.on('error', () => undefined); // a sentinel down is the other sentinels' business
      watcher.on('message', (channel: string, message: string) => {
        if (channel === SWITCH_MASTER_CHANNEL) this.onSwitch(message);
      });
      watcher.subscribe(SWITCH_MASTER_CHANNEL).catch(() => undefined);
      this.watchers.push(watcher);
    }
  }

  private onSwitch(message: string): void {
    const [name, , , host, port] = message.split(' ');
    if (name !== this.options.name) return; // another group the same sentinels monitor
    const stream = this.stream;
    if (!stream || stream.destroyed) return;
    // Every sentinel publishes the switch, some of them later: by then this client may be on the new master.
    if (stream.remoteAddress === host && stream.remotePort === Number(port)) return;
    stream.destroy();
  }
}
