import { INestApplication } from '@nestjs/common';
import { UfopFactory } from 'qiniu-ufop';
import { TestAppModule } from '../fixtures/test-app.module';
import { StartedServer } from './protocol.suite';

/**
 * Boots the test app (sample + fixtures) in this process with these environment variables, on a free loopback
 * port. The variables are read at boot only, so they are restored as soon as the app exists.
 */
export async function startTestApp(env: Record<string, string>): Promise<StartedServer> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
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
