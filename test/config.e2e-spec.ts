import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { UFOP_CONFIG, UfopFactory, UfopHandler, UfopModule, UfopOptions } from 'qiniu-ufop';
import { UFOP_QUEUE_TOKEN } from '../src/queue/ufop-queue.constants';
import { ensureBuilt, ROOT } from './support/build';
import { post } from './support/protocol.suite';
import { TestRedis, useTestRedis } from './support/redis';

@Injectable()
class Echo {
  @UfopHandler('echo')
  echo(input: { body: Buffer }) {
    return input.body;
  }
}

/** What a module made with forRootAsync resolved, and the queue it made, read back through DI. */
@Injectable()
class Probe {
  constructor(
    @Inject(UFOP_CONFIG) readonly options: UfopOptions,
    @Inject(UFOP_QUEUE_TOKEN) readonly queue: Queue | undefined,
  ) {}
}

describe('one configuration path', () => {
  let redis: TestRedis;
  const saved = { ...process.env };

  beforeAll(async () => {
    redis = await useTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('forRootAsync with a ConfigService-based factory configures the queue too', async () => {
    delete process.env.REDIS_URL;
    delete process.env.UFOP_MODE;
    const prefix = `cfg${process.pid}`;
    const db = 13;
    @Module({
      imports: [
        UfopModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({
              ignoreEnvFile: true,
              load: [() => ({ queue: { url: `${redis.url}/${db}`, prefix, name: 'async-q' } })],
            }),
          ],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            mode: 'queue' as const,
            redisUrl: config.get<string>('queue.url'),
            queuePrefix: config.get<string>('queue.prefix'),
            queueName: config.get<string>('queue.name'),
          }),
        }),
      ],
      providers: [Echo, Probe],
    })
    class AsyncQueued {}

    const app = await UfopFactory.create(AsyncQueued, { logger: false });
    const client = new Redis(`${redis.url}/${db}`);
    try {
      await app.listen(0, '127.0.0.1');
      const probe = app.get(Probe);
      expect(probe.options.mode).toBe('queue');
      expect(probe.queue?.name).toBe('async-q');
      expect((probe.queue as unknown as { keyPrefix: string }).keyPrefix).toBe(prefix);
      const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
      const answer = await post(baseUrl, { cmd: 'cfg/echo' }, { body: Buffer.from('through the async queue') });
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe('through the async queue');
      // The job went through the queue the factory named, in the database it named.
      expect(await client.get(`${prefix}:async-q:id`)).toBe('1');
    } finally {
      await app.close();
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    }
  });

  it('reads .env from the working directory under the environment, under code, without touching process.env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ufop-env-'));
    const cwd = process.cwd();
    writeFileSync(join(dir, '.env'), 'UFOP_NAME=fromfile\nUFOP_MAX_WAITING=7\nUFOP_CONCURRENCY=3\n');
    delete process.env.UFOP_NAME;
    delete process.env.UFOP_MAX_WAITING;
    delete process.env.REDIS_URL;
    process.env.UFOP_CONCURRENCY = '5';
    @Module({ imports: [UfopModule.forRoot({ maxWaiting: 9 })], providers: [Echo] })
    class FromFile {}
    process.chdir(dir);
    try {
      const app = await UfopFactory.create(FromFile, { logger: false });
      const options = app.get<UfopOptions>(UFOP_CONFIG);
      await app.close();
      expect(options.ufopName).toBe('fromfile'); // .env
      expect(options.concurrency).toBe(5); // the environment wins over .env
      expect(options.maxWaiting).toBe(9); // code wins over both
      expect(process.env.UFOP_NAME).toBeUndefined();
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a boot that fails', () => {
    beforeAll(() => ensureBuilt(), 180_000);

    const start = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(ROOT, 'dist', 'sample', 'main.js')], {
        cwd: mkdtempSync(join(tmpdir(), 'ufop-boot-')),
        env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });

    it.each([
      ['a bad setting', { UFOP_MAX_BODY_BYTES: 'abc' }, /Invalid UFOP_MAX_BODY_BYTES="abc": expected an integer >= 1/],
      [
        'a worker without Redis',
        { UFOP_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:1', UFOP_REDIS_CONNECT_TIMEOUT_MS: '500' },
        /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 500 ms/,
      ],
    ])('prints %s as one line, no stack, and exits 1', (_name, env, message) => {
      const run = start(env);
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status).toBe(1);
      expect(output).toMatch(message);
      expect(output).not.toMatch(/\n\s+at /); // no stack frame
      expect(
        output
          .trim()
          .split('\n')
          .filter((line) => /error/i.test(line)),
      ).toHaveLength(1);
    });
  });
});
