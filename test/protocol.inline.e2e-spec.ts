import { INestApplication } from '@nestjs/common';
import { UfopFactory } from 'qiniu-ufop';
import { describeProtocolSuite } from './support/protocol.suite';
import { TestAppModule } from './fixtures/test-app.module';

/** Boots the test app in this process with the given environment, on a free loopback port. */
async function startInline(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, { UFOP_MODE: 'inline', REDIS_URL: '' }, env);
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

describeProtocolSuite('inline', startInline);
