import { startTestApp } from './support/in-process-server';
import { describeProtocolSuite } from './support/protocol.suite';
import { deleteKeysUnder, TestRedis, uniquePrefix, useTestRedis } from './support/redis';

let redis: Promise<TestRedis> | undefined;
const prefixes: string[] = [];

/**
 * Boots the test app in queue mode (web and worker in this process, role `all`) on a queue of its own: every
 * request becomes a Bull job on Redis and comes back through the completed/failed events, exactly as it does
 * between processes.
 */
async function startQueue(env: Record<string, string>) {
  const { url } = await (redis ??= useTestRedis());
  const prefix = uniquePrefix('protocol');
  prefixes.push(prefix);
  return startTestApp({ UFOP_MODE: 'queue', UFOP_ROLE: 'all', REDIS_URL: url, UFOP_QUEUE_PREFIX: prefix, ...env });
}

afterAll(async () => {
  if (!redis) return;
  const { url, close } = await redis;
  for (const prefix of prefixes) await deleteKeysUnder(url, prefix);
  await close();
});

describeProtocolSuite('queue', startQueue);
