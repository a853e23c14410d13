import { INestApplication } from '@nestjs/common';
import { UfopFactory } from 'qiniu-ufop';
import { TestAppModule } from './fixtures/test-app.module';
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
  const saved = { ...process.env };
  Object.assign(process.env, { UFOP_MODE: 'queue', UFOP_ROLE: 'all', REDIS_URL: url, UFOP_QUEUE_PREFIX: prefix }, env);
  let app: INestApplication;
  try {
    app = await UfopFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  } finally {
    process.env = saved;
  }
  const { port } = app.getHttpServer().address();
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

afterAll(async () => {
  if (!redis) return;
  const { url, close } = await redis;
  for (const prefix of prefixes) await deleteKeysUnder(url, prefix);
  await close();
});

describeProtocolSuite('queue', startQueue);
