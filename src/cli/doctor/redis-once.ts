import type { RedisOptions } from 'ioredis';
import { raceDeadline } from '../../execution/deadline';
import { bullIoredis } from '../../queue/bull-ioredis';

/** How long doctor waits for one Redis (or Sentinel) to connect and answer. */
const REDIS_TIMEOUT_MS = 3_000;

/** Where to send one command: a URL, or ioredis options (host and port, a Unix socket's path, credentials). */
type RedisAddress = string | RedisOptions;

/** Sends one command on the session's connection: its reply, or its error reply. */
export type RedisCall = (command: string, ...args: string[]) => Promise<unknown>;

/**
 * Connects, sends one command, disconnects: its reply, or the error that says most about why there was none (see
 * `redisSession`).
 */
export function redisOnce(address: RedisAddress, command: string, ...args: string[]): Promise<unknown> {
  return redisSession(address, (call) => call(command, ...args));
}

/**
 * Connects, lets `use` send its commands on that one connection, disconnects: what `use` returns, or the error that
 * says most about why there was no answer (the socket's own, ECONNREFUSED or NOAUTH, rather than ioredis's
 * "Connection is closed"; or "no answer within 3 s", for the whole session). One attempt, no retries, no offline
 * queue: doctor asks once and reports what it saw, and leaves no timer behind, so that it exits as soon as it has
 * reported.
 */
export async function redisSession<T>(address: RedisAddress, use: (call: RedisCall) => Promise<T>): Promise<T> {
  const { Redis } = bullIoredis();
  const once: RedisOptions & { disconnectTimeout: number } = {
    lazyConnect: true,
    connectTimeout: REDIS_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // How long disconnect() lets the socket close cleanly before destroying it (ioredis reads it but does not type
    // it; default 2 s). Its timer is cleared only by a 'close' still to come: after a refused connection it stayed
    // and kept doctor running 2 s past its report. A socket doctor is done with has nothing left to flush.
    disconnectTimeout: 0,
  };
  const client = typeof address === 'string' ? new Redis(address, once) : new Redis({ ...address, ...once });
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    return await raceDeadline(
      client.connect().then(() => use((command, ...args) => client.call(command, ...args))),
      REDIS_TIMEOUT_MS,
      () => new Error(`no answer within ${REDIS_TIMEOUT_MS / 1000} s`),
    );
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}
