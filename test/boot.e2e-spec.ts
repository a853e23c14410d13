import { Injectable, Module } from '@nestjs/common';
import { UfopFactory, UfopHandler, UfopHealthCheck, UfopModule } from 'qiniu-ufop';
import { post } from './support/protocol.suite';

@Injectable()
class FirstHandlers {
  @UfopHandler('resize/:w')
  resize() {
    return 'first';
  }
}

@Injectable()
class SecondHandlers {
  @UfopHandler('resize/:width')
  scale() {
    return 'second';
  }
}

@Module({ providers: [SecondHandlers] })
class OtherModule {}

@Injectable()
class BadPattern {
  @UfopHandler('broken/:')
  broken() {
    return 'never';
  }
}

@Injectable()
class Toggle implements UfopHealthCheck {
  healthy = true;
  onUfopHealthCheck() {
    if (!this.healthy) throw new Error('the model is not loaded');
  }
}

async function listen(module: unknown) {
  const app = await UfopFactory.create(module as never, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${app.getHttpServer().address().port}` };
}

describe('booting an application', () => {
  it('stops with a message naming both handlers when two routes match the same commands', async () => {
    @Module({ imports: [UfopModule.forRoot(), OtherModule], providers: [FirstHandlers] })
    class Conflicting {}
    await expect(UfopFactory.create(Conflicting, { logger: false, abortOnError: false })).rejects.toThrow(
      /FirstHandlers\.resize\(\) declares "resize\/:w" and SecondHandlers\.scale\(\) declares "resize\/:width"/,
    );
  });

  it('stops with a message naming the handler when a pattern is invalid', async () => {
    @Module({ imports: [UfopModule.forRoot()], providers: [BadPattern] })
    class Invalid {}
    await expect(UfopFactory.create(Invalid, { logger: false, abortOnError: false })).rejects.toThrow(
      /Invalid @UfopHandler route "broken\/:" on BadPattern\.broken\(\)/,
    );
  });

  it('stops with the variable name when the configuration is invalid', async () => {
    @Module({ imports: [UfopModule.forRoot()], providers: [FirstHandlers] })
    class Plain {}
    process.env.UFOP_HANDLER_TIMEOUT_MS = 'soon';
    try {
      await expect(UfopFactory.create(Plain, { logger: false, abortOnError: false })).rejects.toThrow(
        /UFOP_HANDLER_TIMEOUT_MS/,
      );
    } finally {
      delete process.env.UFOP_HANDLER_TIMEOUT_MS;
    }
  });

  it('takes options from forRootAsync', async () => {
    @Module({
      imports: [UfopModule.forRootAsync({ useFactory: async () => ({ ufopName: 'resizer' }) })],
      providers: [FirstHandlers],
    })
    class Async {}
    const { app, baseUrl } = await listen(Async);
    try {
      expect((await post(baseUrl, { cmd: 'resizer/resize/1' })).body.toString()).toBe('first');
      expect((await post(baseUrl, { cmd: 'other/resize/1' })).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});

describe('GET /health', () => {
  it('calls the health hooks of services: 200 while they pass, 503 with the reason when one throws', async () => {
    @Module({ imports: [UfopModule.forRoot()], providers: [FirstHandlers, Toggle] })
    class WithHealth {}
    const { app, baseUrl } = await listen(WithHealth);
    try {
      expect((await post(baseUrl, {}, { path: '/health', method: 'GET' })).status).toBe(200);
      app.get(Toggle).healthy = false;
      const sick = await post(baseUrl, {}, { path: '/health', method: 'GET' });
      expect(sick.status).toBe(503);
      expect(sick.json()).toEqual({ error: 'unhealthy: the model is not loaded' });
      app.get(Toggle).healthy = true;
      expect((await post(baseUrl, {}, { path: '/health', method: 'GET' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
