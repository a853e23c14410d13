import type { RedisOptions } from 'ioredis';
import { bullIoredis } from '../../queue/bull-ioredis';
import { redactRedisUrl } from '../../queue/ufop-queue.options';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import { raceDeadline } from '../../execution/deadline';

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
    const { Redis } = bullIoredis();
    const common: RedisOptions = {
      lazyConnect: true,
      connectTimeout: REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    };
    const target = sentinels
      ? `Sentinel ${sentinels} (master ${env.REDIS_SENTINEL_NAME ?? 'mymaster'})`
      : redactRedisUrl(url!);
    const client = sentinels
      ? new Redis({
          ...common,
          sentinels: sentinels.split(',').map((entry) => {
            const [host, port] = entry.trim().split(':');
            return { host, port: Number(port || 26379) };
          }),
          name: env.REDIS_SENTINEL_NAME?.trim() || 'mymaster',
          sentinelRetryStrategy: () => null,
        })
      : new Redis(url!, common);
    // The socket's own error (ECONNREFUSED, ENOTFOUND, NOAUTH) says more than connect()'s "Connection is closed".
    let socketError: Error | undefined;
    client.on('error', (error: Error) => (socketError ??= error));
    try {
      await withDeadline(
        client.connect().then(() => client.ping()),
        REDIS_TIMEOUT_MS,
      );
      return { status: 'ok', summary: `Redis answers at ${target}` };
    } catch (error) {
      return {
        status: 'fail',
        summary: `Redis does not answer at ${target}: ${(socketError ?? (error as Error)).message}`,
        fix: sentinels
          ? "check REDIS_SENTINELS (host:port of each Sentinel) and REDIS_SENTINEL_NAME (the master's name), and that they are reachable from here"
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
