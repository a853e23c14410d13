import { startTestApp, startTestWorker } from './support/in-process-server';
import { describeProtocolSuite, StartedServer } from './support/protocol.suite';
import { endQueueTest, TestRedis, uniquePrefix, useTestRedis } from './support/redis';

let redis: Promise<TestRedis> | undefined;
const prefixes: string[] = [];

async function queueEnv(env: Record<string, string>) {
  const { url } = await (redis ??= useTestRedis());
  const prefix = uniquePrefix('protocol');
  prefixes.push(prefix);
  return { UFOP_MODE: 'queue', REDIS_URL: url, UFOP_QUEUE_PREFIX: prefix, ...env };
}

/**
 * Boots the test app in queue mode (web and worker in this process, role `all`) on a queue of its own: every
 * request becomes a Bull job on Redis, which this process's worker runs, handing the bytes over in memory.
 */
async function startQueue(env: Record<string, string>) {
  return startTestApp({ ...(await queueEnv(env)), UFOP_ROLE: 'all' });
}

/**
 * A web app and a worker app on one queue: the bytes and the outcome of every request go through Redis (the blobs,
 * the reply channel), as they do between processes and machines.
 */
async function startWebAndWorker(env: Record<string, string>): Promise<StartedServer> {
  const shared = await queueEnv(env);
  const worker = await startTestWorker(shared);
  const web = await startTestApp({ ...shared, UFOP_ROLE: 'web' }).catch(async (error: unknown) => {
    await worker.close();
    throw error;
  });
  return { baseUrl: web.baseUrl, close: async () => void (await Promise.all([web.close(), worker.close()])) };
}

afterAll(async () => endQueueTest(await redis, prefixes));

describeProtocolSuite('queue', startQueue);
describeProtocolSuite('queue, web and worker apart', startWebAndWorker);
