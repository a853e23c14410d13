import Redis from 'ioredis';
import { endQueueTest, RedisServer, TestRedis, uniquePrefix, useTestRedis } from './support/redis';
import { freePort } from './support/free-port';
import { callHandler as call, health, UfopProcess } from './support/ufop-process';
import { until } from './support/eventually';

describe('queue mode when things go wrong', () => {
  const started: UfopProcess[] = [];
  const launch = async (env: Record<string, string>) => {
    const process = await UfopProcess.start(env);
    started.push(process);
    return process;
  };

  afterAll(async () => {
    await Promise.all(started.map((p) => p.kill()));
  });

  describe('Redis unreachable at start', () => {
    it.each(['all', 'worker'])(
      'a %s process says where Redis was expected and exits 1, without a stack trace',
      async (role) => {
        const port = await freePort();
        const process = UfopProcess.spawn({
          UFOP_ROLE: role,
          REDIS_URL: `redis://127.0.0.1:${port}`,
          UFOP_REDIS_CONNECT_TIMEOUT_MS: '1500',
        });
        started.push(process);
        const exit = await process.exited;
        expect(exit.code).toBe(1);
        expect(process.output).toContain(`Cannot reach Redis at redis://127.0.0.1:${port}`);
        expect(process.output).toMatch(/ECONNREFUSED/);
        expect(process.output).not.toMatch(/^\s+at /m);
      },
      60_000,
    );
  });

  describe('Redis lost while running, then back', () => {
    let redis: RedisServer;
    let web: UfopProcess;
    let worker: UfopProcess;

    beforeAll(async () => {
      // A redis-server of our own, so that stopping it disturbs no one else.
      redis = await RedisServer.start();
      const env = { REDIS_URL: redis.url, UFOP_QUEUE_PREFIX: uniquePrefix('outage') };
      [web, worker] = await Promise.all([
        launch({ ...env, UFOP_ROLE: 'web' }),
        launch({ ...env, UFOP_ROLE: 'worker' }),
      ]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all([web?.kill(), worker?.kill()]);
      await redis?.stop();
    });

    it('fails requests fast with 503 (those in flight too), /health says 503, and resumes with no restart', async () => {
      expect((await call(web.baseUrl, 'demo/hello/before')).body.toString()).toBe('hello before');
      expect((await health(web.baseUrl)).status).toBe(200);

      const inFlight = call(web.baseUrl, 'demo/probe/hold/outage/20000');
      await worker.waitFor(/job-start outage/);
      await redis.stop();

      const lost = await inFlight; // long before its 20 s hold
      expect(lost.status).toBe(503);
      expect(lost.json().error).toMatch(/Redis/);
      const during = await call(web.baseUrl, 'demo/hello/during', Buffer.from('x'));
      expect(during.status).toBe(503);
      expect(during.json().error).toMatch(/Redis cannot be reached/);
      const sick = await health(web.baseUrl);
      expect(sick.status).toBe(503);
      expect(String(sick.body.error)).toMatch(/Redis/);

      await redis.start(); // same port, empty data
      await until(async () => (await health(web.baseUrl)).status === 200, '/health back to 200', 30_000, 100);
      // The worker reconnects on its own: a job sent now is processed.
      await until(
        async () => (await call(web.baseUrl, 'demo/hello/after')).body.toString() === 'hello after',
        'a request answered',
        30_000,
        100,
      );
      const echoed = await call(web.baseUrl, 'demo/echo', Buffer.from('bytes after the outage'), 'text/plain');
      expect([echoed.status, echoed.body.toString()]).toEqual([200, 'bytes after the outage']);
      expect(web.exit).toBeUndefined();
      expect(worker.exit).toBeUndefined();
    }, 120_000);
  });

  describe('with the shared test Redis', () => {
    let redis: TestRedis;
    const prefixes: string[] = [];
    const env = (extra: Record<string, string>) => {
      const prefix = uniquePrefix('drain');
      prefixes.push(prefix);
      return { REDIS_URL: redis.url, UFOP_QUEUE_PREFIX: prefix, ...extra };
    };

    beforeAll(async () => {
      redis = await useTestRedis();
    });

    afterAll(async () => {
      await endQueueTest(redis, prefixes);
    });

    it('SIGTERM to a web process: it answers every request in flight, then exits 0', async () => {
      const shared = env({ UFOP_CONCURRENCY: '4' });
      const [web, worker] = await Promise.all([
        launch({ ...shared, UFOP_ROLE: 'web' }),
        launch({ ...shared, UFOP_ROLE: 'worker' }),
      ]);
      const requests = [1, 2, 3, 4].map((n) => call(web.baseUrl, `demo/probe/hold/webdrain${n}/1500`));
      for (const n of [1, 2, 3, 4]) await worker.waitFor(new RegExp(`job-start webdrain${n} `));
      web.signal('SIGTERM');
      const replies = await Promise.all(requests);
      expect(replies.map((r) => [r.status, r.json().tag])).toEqual([1, 2, 3, 4].map((n) => [200, `webdrain${n}`]));
      expect(await web.exited).toEqual({ code: 0, signal: null });
      await expect(call(web.baseUrl, 'demo/hello')).rejects.toThrow(); // no longer listening
    }, 90_000);

    it('SIGTERM to a worker: it takes no new job, finishes those it holds, then exits 0', async () => {
      const shared = env({ UFOP_CONCURRENCY: '2' });
      const [web, worker] = await Promise.all([
        launch({ ...shared, UFOP_ROLE: 'web' }),
        launch({ ...shared, UFOP_ROLE: 'worker' }),
      ]);
      const held = [1, 2].map((n) => call(web.baseUrl, `demo/probe/hold/workerdrain${n}/1500`));
      for (const n of [1, 2]) await worker.waitFor(new RegExp(`job-start workerdrain${n} `));
      worker.signal('SIGTERM');
      const replies = await Promise.all(held);
      expect(replies.map((r) => [r.status, r.json().pid])).toEqual([
        [200, worker.pid],
        [200, worker.pid],
      ]);
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      // A job sent after it left waits for a worker, and a new one answers it: nothing was lost.
      const later = call(web.baseUrl, 'demo/probe/pid');
      const replacement = await launch({ ...shared, UFOP_ROLE: 'worker' });
      const reply = await later;
      expect([reply.status, reply.json().pid]).toEqual([200, replacement.pid]);
    }, 90_000);

    it('SIGTERM to a worker whose other slot waits for a job: the running job finishes, it exits 0, and logs no error', async () => {
      // One slot runs a job; the other blocks in Bull's wait for the next one (BRPOPLPUSH on its own connection). The
      // stop ends that wait by closing its connection (`endBlockingWait`): Bull must take that as part of closing, not
      // as an error, and the running job must still finish.
      const shared = env({ UFOP_CONCURRENCY: '2' });
      const [web, worker] = await Promise.all([
        launch({ ...shared, UFOP_ROLE: 'web' }),
        launch({ ...shared, UFOP_ROLE: 'worker' }),
      ]);
      const held = call(web.baseUrl, 'demo/probe/hold/waitingslot/1500');
      await worker.waitFor(/job-start waitingslot /);
      worker.signal('SIGTERM');
      const reply = await held;
      expect([reply.status, reply.json().tag, reply.json().pid]).toEqual([200, 'waitingslot', worker.pid]);
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.output).not.toMatch(/ERROR|Error processing job|Connection is closed/);
    }, 90_000);

    it('SIGTERM to an all-in-one process drains it too', async () => {
      const all = await launch(env({ UFOP_ROLE: 'all' }));
      const held = call(all.baseUrl, 'demo/probe/hold/alldrain/1500');
      await all.waitFor(/job-start alldrain /);
      all.signal('SIGTERM');
      const reply = await held;
      expect([reply.status, reply.json().tag]).toEqual([200, 'alldrain']);
      expect(await all.exited).toEqual({ code: 0, signal: null });
    }, 90_000);

    it('SIGKILL of a worker mid-job: re-run no sooner than the lock allows, and within lock + 2 stalled checks of the kill', async () => {
      const LOCK_MS = 3000;
      const CHECK_MS = 500;
      // Slack for spawning, pipes and a machine shared with other test runs; not a tuned figure.
      const MARGIN_MS = 2000;
      const shared = env({ UFOP_QUEUE_LOCK_MS: String(LOCK_MS), UFOP_QUEUE_STALLED_CHECK_MS: String(CHECK_MS) });
      const [web, ...workers] = await Promise.all([
        launch({ ...shared, UFOP_ROLE: 'web' }),
        launch({ ...shared, UFOP_ROLE: 'worker' }),
        launch({ ...shared, UFOP_ROLE: 'worker' }),
      ]);
      const sent = Date.now();
      const pending = call(web.baseUrl, 'demo/probe/hold/stalled/2000');
      const victim = await Promise.race(workers.map((w) => w.waitFor(/job-start stalled /).then(() => w)));
      const survivor = workers.find((w) => w !== victim)!;
      const killed = Date.now();
      victim.signal('SIGKILL');
      await survivor.waitFor(/job-start stalled /, 60_000);
      const rerun = Date.now();
      const reply = await pending;
      expect([reply.status, reply.json()]).toEqual([200, { tag: 'stalled', pid: survivor.pid, size: 0 }]);
      // The lock was taken after the request was sent and lives LOCK_MS: nothing may re-run the job before it lapses.
      expect(rerun - sent).toBeGreaterThanOrEqual(LOCK_MS);
      // It lapses at most LOCK_MS after the kill; stalled checks come 1 to 2 intervals apart (see ufopQueueOptions).
      expect(rerun - killed).toBeLessThanOrEqual(LOCK_MS + 2 * CHECK_MS + MARGIN_MS);
    }, 90_000);

    it('UFOP_HANDLER_TIMEOUT_MS bounds the whole job: 504 for the client, and the job is failed, not left running', async () => {
      const settings = env({ UFOP_ROLE: 'all', UFOP_HANDLER_TIMEOUT_MS: '1000' });
      const all = await launch(settings);
      const reply = await call(all.baseUrl, 'demo/probe/hold/late/10000');
      expect([reply.status, reply.json()]).toEqual([504, { error: 'handler did not finish within 1000 ms' }]);
      // The handler's signal is aborted at the timeout, so a handler that listens stops there.
      await all.waitFor(/job-aborted late/, 5000);
      // And at the end of a job that finished in time, as inline mode does at the end of the request.
      const inTime = await call(all.baseUrl, 'demo/probe/hold/intime/10');
      expect(inTime.status).toBe(200);
      await all.waitFor(/job-aborted intime/, 5000);
      const client = new Redis(redis.url);
      try {
        const failedKey = `${settings.UFOP_QUEUE_PREFIX}:ufop:failed`;
        await until(async () => (await client.zcard(failedKey)) === 1, 'the job in the failed set', 30_000, 100);
        const [jobId] = await client.zrange(failedKey, 0, -1);
        const reason = await client.hget(`${settings.UFOP_QUEUE_PREFIX}:ufop:${jobId}`, 'failedReason');
        expect(JSON.parse(reason!)).toEqual({ status: 504, error: 'handler did not finish within 1000 ms' });
        expect(await client.llen(`${settings.UFOP_QUEUE_PREFIX}:ufop:active`)).toBe(0);
      } finally {
        client.disconnect();
      }
    }, 60_000);
  });
});
