import type { RedisOptions } from 'ioredis';
import { bullIoredis } from '../../queue/bull-ioredis';
import { describeRedis, redisConnectionOptions, RedisTopology, redisTopology } from '../../queue/redis-topology';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import { raceDeadline } from '../../execution/deadline';
import { readWmemDefault, unixSocketBufferAdvice } from './socket-buffers';

const SENTINELS_FIX =
  "check REDIS_SENTINELS (host:port of each Sentinel) and REDIS_SENTINEL_NAME (the master's name), and that they are reachable from here";

/** How long the Redis check waits for a PONG. */
const REDIS_TIMEOUT_MS = 3_000;

/** Queue mode's Redis answers a PING: `REDIS_URL`, or Sentinel (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`). */
export const redisCheck: DoctorCheck = {
  name: 'redis',
  deploy: false,
  async run({ env }: DoctorContext): Promise<CheckResult> {
    const url = env.REDIS_URL?.trim();
    const sentinels = env.REDIS_SENTINELS?.trim();
    if (!url && !sentinels) return { status: 'skip', summary: 'REDIS_URL is not set: inline mode, no Redis needed' };
    let topology: RedisTopology;
    try {
      // The same reading of REDIS_URL / REDIS_SENTINELS (names, passwords) as the processes make.
      topology = redisTopology({
        redisUrl: url,
        redisSentinels: sentinels
          ?.split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
        redisSentinelName: env.REDIS_SENTINEL_NAME?.trim() || undefined,
        redisPassword: env.REDIS_PASSWORD?.trim() || undefined,
        redisSentinelPassword: env.REDIS_SENTINEL_PASSWORD?.trim() || undefined,
      });
    } catch (error) {
      return {
        status: 'fail',
        summary: (error as Error).message,
        fix: sentinels ? SENTINELS_FIX : 'set REDIS_URL to redis://host:port/db or unix:///path/to/redis.sock?db=N',
      };
    }
    const { Redis } = bullIoredis();
    // One attempt, no retries and no failover watch: the check asks once and says what it saw.
    const once: RedisOptions & { disconnectTimeout: number } = {
      lazyConnect: true,
      connectTimeout: REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      // How long disconnect() lets the socket close cleanly before destroying it (ioredis reads it but does not type
      // it; default 2 s). Its timer is cleared only by a 'close' still to come: after a refused connection it stayed
      // and kept doctor running 2 s past its report. A socket this check is done with has nothing left to flush.
      disconnectTimeout: 0,
    };
    const target = describeRedis(topology);
    const client =
      topology.kind === 'sentinel'
        ? new Redis({
            ...redisConnectionOptions(topology),
            ...once,
            Connector: undefined,
            sentinelRetryStrategy: () => null,
          })
        : topology.kind === 'socket'
          ? new Redis({ ...redisConnectionOptions(topology), ...once })
          : new Redis(topology.url, once);
    // The socket's own error (ECONNREFUSED, ENOTFOUND, NOAUTH) says more than connect()'s "Connection is closed".
    let socketError: Error | undefined;
    client.on('error', (error: Error) => (socketError ??= error));
    try {
      await withDeadline(
        client.connect().then(() => client.ping()),
        REDIS_TIMEOUT_MS,
      );
      const advice = topology.kind === 'socket' ? unixSocketBufferAdvice(readWmemDefault()) : [];
      return { status: 'ok', summary: `Redis answers at ${target}`, ...(advice.length ? { details: advice } : {}) };
    } catch (error) {
      return {
        status: 'fail',
        summary: `Redis does not answer at ${target}: ${(socketError ?? (error as Error)).message}`,
        fix: sentinels
          ? SENTINELS_FIX
          : 'start Redis (`apt-get install redis-server`, or `docker run -p 6379:6379 redis`), fix REDIS_URL ' +
            '(redis://[user:password@]host:port[/db]), or unset it to run inline without Redis',
      };
    } finally {
      client.disconnect();
    }
  },
};

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return raceDeadline(promise, ms, () => new Error(`no answer within ${ms / 1000} s`));
}
