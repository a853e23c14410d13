import Redis from 'ioredis';
import { procStatField } from './support/proc-status';
import { endQueueTest, keysUnder, TestRedis, uniquePrefix, useTestRedis } from './support/redis';
import { callHandler as call, UfopProcess } from './support/ufop-process';

/** CPU time (user + system, in clock ticks of 10 ms) a process has used so far, from /proc. */
const cpuTicks = (pid: number) => procStatField(pid, 14) + procStatField(pid, 15);

describe('queue mode at scale', () => {
  let redis: TestRedis;
  const started: UfopProcess[] = [];
  const prefixes: string[] = [];

  const env = (prefix: string, role: string, extra: Record<string, string> = {}): Record<string, string> => ({
    UFOP_ROLE: role,
    REDIS_URL: redis.url,
    UFOP_QUEUE_PREFIX: prefix,
    UFOP_HANDLER_TIMEOUT_MS: '30000',
    ...extra,
  });
  const start = async (envs: Record<string, string>[]) => {
    const processes = await Promise.all(envs.map((e) => UfopProcess.start(e)));
    started.push(...processes);
    return processes;
  };

  beforeAll(async () => {
    redis = await useTestRedis();
  });
  afterAll(() => endQueueTest(redis, prefixes, started));

  it('each web process hears only its own completions: with load on one of four, the idle ones use ≤ 5% of its CPU', async () => {
    const prefix = uniquePrefix('fanout');
    prefixes.push(prefix);
    const [busy, ...idle] = await start([1, 2, 3, 4].map(() => env(prefix, 'web')));
    await start([env(prefix, 'worker', { UFOP_CONCURRENCY: '8' })]);
    expect((await call(busy.baseUrl, 'demo/hello/warm')).status).toBe(200);

    const before = [busy, ...idle].map((p) => cpuTicks(p.pid));
    let sent = 0;
    const body = Buffer.alloc(1024, 1);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < 1000) {
          sent++;
          const reply = await call(busy.baseUrl, 'demo/echo', body);
          expect(reply.status).toBe(200);
        }
      }),
    );
    const used = [busy, ...idle].map((p, i) => cpuTicks(p.pid) - before[i]);
    const [busyTicks, ...idleTicks] = used;
    expect(busyTicks).toBeGreaterThan(50); // the load was real: over 0.5 s of CPU
    for (const ticks of idleTicks) expect(ticks).toBeLessThanOrEqual(busyTicks * 0.05);
  }, 180_000);

  it('a job failed by the stalled-job check of another worker reaches the waiting request, as 503', async () => {
    const prefix = uniquePrefix('stalled');
    prefixes.push(prefix);
    const short = { UFOP_QUEUE_LOCK_MS: '1000', UFOP_QUEUE_STALLED_CHECK_MS: '300' };
    const [web] = await start([env(prefix, 'web', short)]);
    // The job kills the worker running it; Bull puts it back once, it kills the next worker, and the third worker's
    // stalled-job check fails it for good (UFOP allows one stall). That worker never ran the job.
    const workers = await start([1, 2, 3].map(() => env(prefix, 'worker', { ...short, UFOP_CONCURRENCY: '1' })));
    const reply = await call(web.baseUrl, 'demo/probe/die');
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({ error: 'the worker running this request was lost' });
    const died = workers.filter((w) => /job-dies/.test(w.output));
    expect(died).toHaveLength(2);
  }, 120_000);

  it('UFOP_MAX_QUEUED: past it a request gets 503 + Retry-After at once; the waiting ones complete once a worker comes', async () => {
    const prefix = uniquePrefix('backpressure');
    prefixes.push(prefix);
    const [web] = await start([env(prefix, 'web', { UFOP_MAX_QUEUED: '2' })]);
    const waiting = [call(web.baseUrl, 'demo/hello/one'), call(web.baseUrl, 'demo/hello/two')];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await fetch(`${web.baseUrl}/handler?cmd=demo/echo`, { method: 'POST', body: 'refused' });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /2 jobs already waiting for a worker \(UFOP_MAX_QUEUED=2\)/,
    );
    await start([env(prefix, 'worker')]);
    const answers = await Promise.all(waiting);
    expect(answers.map((a) => [a.status, a.body.toString()])).toEqual([
      [200, 'hello one'],
      [200, 'hello two'],
    ]);
  }, 120_000);

  it('a job no worker took by UFOP_HANDLER_TIMEOUT_MS: 504 saying so, and the job is gone from the queue', async () => {
    const prefix = uniquePrefix('untaken');
    prefixes.push(prefix);
    const [web] = await start([env(prefix, 'web', { UFOP_HANDLER_TIMEOUT_MS: '1500' })]);
    const reply = await call(web.baseUrl, 'demo/hello/nobody');
    expect([reply.status, reply.json()]).toEqual([
      504,
      {
        error:
          'no worker took this job within 1500 ms (UFOP_HANDLER_TIMEOUT_MS): the workers are busy or none is running',
      },
    ]);
    const client = new Redis(redis.url);
    try {
      // Removed, not left for a worker that comes later to pick up and fail.
      expect(await client.llen(`${prefix}:ufop:wait`)).toBe(0);
      const jobKeys = (await keysUnder(redis.url, prefix)).filter((key) => /:[0-9a-f]{8}-[0-9a-f]{4}-/.test(key));
      expect(jobKeys).toEqual([]); // no job hash (job ids are UUIDs)
    } finally {
      client.disconnect();
    }
    // A worker that comes afterwards has nothing to do; the next request is answered.
    const [worker] = await start([env(prefix, 'worker')]);
    expect((await call(web.baseUrl, 'demo/hello/somebody')).body.toString()).toBe('hello somebody');
    expect(worker.output).not.toMatch(/nobody/);
  }, 60_000);

  it('UFOP_MAX_QUEUED unset: UFOP_MAX_WAITING may wait while no worker is up, one per slot of the live workers past that; a stopped worker withdraws its slots', async () => {
    const prefix = uniquePrefix('derived');
    prefixes.push(prefix);
    // The floor lowered to 4 (UFOP_MAX_WAITING), so that a worker of 6 slots raises the bound.
    const [web] = await start([env(prefix, 'web', { UFOP_MAX_WAITING: '4' })]);
    const refusal = async () => {
      const response = await fetch(`${web.baseUrl}/handler?cmd=demo/echo`, { method: 'POST', body: 'refused' });
      expect(response.status).toBe(503);
      return ((await response.json()) as { error: string }).error;
    };
    const client = new Redis(redis.url);
    const waitListReaches = async (length: number) => {
      while ((await client.llen(`${prefix}:ufop:wait`)) < length)
        await new Promise((resolve) => setTimeout(resolve, 50));
    };
    try {
      // No worker: the floor. 4 wait; the 5th is refused.
      const early = Array.from({ length: 4 }, (_, i) => call(web.baseUrl, `demo/hello/early${i}`));
      await waitListReaches(4);
      expect(await refusal()).toMatch(
        /4 jobs already waiting for a worker \(UFOP_MAX_QUEUED unset: 4, from the live workers' 0 slots, at least UFOP_MAX_WAITING=4\)/,
      );
      // The operator hears of it at once, not from a 504 when the handler timeout is up.
      await web.waitFor(
        /WARN \[UfopQueue\].* no worker is taking jobs from queue ufop: none has advertised a job slot in Redis\. Requests wait for one for up to 30000 ms \(UFOP_HANDLER_TIMEOUT_MS\), then get 504: start workers/,
      );

      // A worker of 6 slots comes: the waiting jobs run, and 6 may now wait.
      const [worker] = await start([env(prefix, 'worker', { UFOP_CONCURRENCY: '6' })]);
      expect((await Promise.all(early)).map((a) => a.status)).toEqual(Array(4).fill(200));
      expect(await client.zrange(`${prefix}:ufop:workers`, 0, -1)).toEqual([expect.stringMatching(/^6:/)]);
      // Its 6 slots busy for 6 s, then 6 jobs waiting: the next is refused.
      const holding = Array.from({ length: 6 }, (_, i) => call(web.baseUrl, `demo/probe/hold/h${i}/6000`));
      for (let i = 0; i < 6; i++) await worker.waitFor(new RegExp(`job-start h${i} `));
      await web.waitFor(/LOG \[UfopQueue\].* workers are taking jobs from queue ufop again: 6 job slots/);
      // Past the 100 ms a web process trusts its count: the next one is read after the holds left the wait list.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = Array.from({ length: 6 }, (_, i) => call(web.baseUrl, `demo/hello/late${i}`));
      await waitListReaches(6);
      expect(await refusal()).toMatch(
        /6 jobs already waiting for a worker \(UFOP_MAX_QUEUED unset: 6, from the live workers' 6 slots, at least UFOP_MAX_WAITING=4\)/,
      );
      const answers = await Promise.all([...holding, ...waiting]);
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));

      // A worker that stops (SIGTERM: it drains) takes its slots with it, rather than letting them lapse.
      worker.signal('SIGTERM');
      await worker.exited;
      expect(await client.zcard(`${prefix}:ufop:workers`)).toBe(0);
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
