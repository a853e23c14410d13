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

/** Boots the test app as a queue worker (no HTTP server) in this process, with these environment variables. */
export async function startTestWorker(env: Record<string, string>): Promise<{ close(): Promise<void> }> {
  const saved = { ...process.env };
  Object.assign(process.env, { ...env, UFOP_ROLE: 'worker' });
  try {
    const worker = await UfopFactory.createWorker(TestAppModule, { logger: false });
    return { close: () => worker.close() };
  } finally {
    process.env = saved;
  }
}
