import type { Queue } from 'bull';
import type { Redis } from 'ioredis';

import { UfopStartupError } from '../errors/ufop-startup.error';
import { commandConnection } from './bull-connections';

export type RedisStatus = Redis['status'];

/** True when the connection can take a command right now. */
export function isRedisReady(client: Pick<Redis, 'status'>): boolean {
  return client.status === 'ready';
}

/**
 * Waits until the queue's command connection is up. Bull itself would retry forever in silence; a process
 * that cannot reach its Redis should say so and stop, so its supervisor restarts it or a human looks.
 */
export async function waitForRedis(queue: Queue, timeoutMs: number, describe: string): Promise<void> {
  const client = commandConnection(queue);
  if (isRedisReady(client)) return;
  let lastError: string | undefined;
  const onError = (error: Error) => (lastError = error.message || String(error));
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(
          new UfopStartupError(
            `Cannot reach Redis at ${describe} within ${timeoutMs} ms` +
              (lastError ? ` (${lastError})` : '') +
              '. Start Redis or fix REDIS_URL (or REDIS_SENTINELS); set UFOP_MODE=inline to run without a queue.',
          ),
        );
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
      if (isRedisReady(client)) onReady();
    });
  } finally {
    client.off('error', onError);
  }
}
