import type { QueueOptions } from 'bull';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { redisConnectionOptions, redisTopology } from './redis-topology';

export { redactRedisUrl } from './redis-topology';

/** What `new Bull(name, url?, options)` is given: the queue every process of the service shares. */
export interface UfopQueueSettings extends QueueOptions {
  name: string;
  url?: string;
}

/** The Bull queue every process of the service shares. */
export function ufopQueueOptions(options: UfopOptions): UfopQueueSettings {
  const keep = (count: number) => (count === 0 ? true : count);
  const topology = redisTopology(options);
  return {
    name: options.queueName,
    // Bull parses a URL itself; on a Unix socket or under Sentinel the connection options below say where Redis is.
    url: topology.kind === 'single' ? topology.url : undefined,
    prefix: options.queuePrefix,
    redis: {
      ...redisConnectionOptions(topology),
      // Bull's default backs off to 20 s between attempts: come back within a second of Redis returning.
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      // Commands of the web tier fail after one reconnection attempt instead of hanging the request
      // (Bull forces `null` on its blocking and subscriber connections, as it must).
      maxRetriesPerRequest: 1,
      connectTimeout: Math.min(options.redisConnectTimeoutMs, 10_000),
      // Who holds each connection, in Redis's CLIENT LIST: the role and pid of the process.
      connectionName: `ufop-${options.role}-${process.pid}`,
      // No auto-pipelining: the commands of one turn still leave in one write, by `batchWritesPerTick` (see there
      // for what ioredis's pipelines cost with Bull's scripts).
    },
    settings: {
      // A SIGKILLed worker stops renewing its lock (renewed every half lock): once it lapses, a stalled check
      // puts the job back and another worker runs it. A check moves only jobs the previous check marked, and
      // Bull's guard key (TTL = interval) often makes a worker skip its tick (measured with one worker: 2 gaps
      // of 3 were two intervals), so checks come 1 to 2 intervals apart: the job waits at most lock + 2
      // intervals after the death (when interval <= lock / 2, the default). A second stall fails it.
      lockDuration: options.queueLockMs,
      stalledInterval: options.queueStalledCheckMs,
      maxStalledCount: 1,
      // Seconds an idle worker blocks on BRPOPLPUSH: bounds how long SIGTERM waits for an idle worker.
      drainDelay: 1,
      // After a Redis error, a worker tries again this soon (Bull's default is 5 s).
      retryProcessDelay: 500,
    },
    defaultJobOptions: {
      attempts: 1,
      removeOnComplete: keep(options.keepCompletedJobs),
      removeOnFail: keep(options.keepFailedJobs),
    },
  };
}
