import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { endQueueTest, keysUnder, TestRedis, uniquePrefix, useTestRedis } from './support/redis';
import { callHandler as call, UfopProcess } from './support/ufop-process';

/**
 * Queue mode as it is deployed: one web process and two worker processes, separate OS processes sharing one
 * Redis (this run's own key prefix), talking only through the Bull queue.
 */
describe('queue mode: a web process and two worker processes', () => {
  let redis: TestRedis;
  let prefix: string;
  let web: UfopProcess;
  let workers: UfopProcess[] = [];
  const KEEP_COMPLETED = 3;

  const env = (role: string): Record<string, string> => ({
    UFOP_ROLE: role,
    REDIS_URL: redis.url,
    UFOP_QUEUE_PREFIX: prefix,
    UFOP_CONCURRENCY: '2',
    UFOP_QUEUE_KEEP_COMPLETED: String(KEEP_COMPLETED),
    // A SIGKILLed worker's job goes back to the queue once its 1 s lock lapses (see the SIGKILL test).
    UFOP_QUEUE_LOCK_MS: '1000',
    UFOP_HANDLER_TIMEOUT_MS: '60000',
  });

  beforeAll(async () => {
    redis = await useTestRedis();
    prefix = uniquePrefix('split');
    [web, ...workers] = await Promise.all([
      UfopProcess.start(env('web')),
      UfopProcess.start(env('worker')),
      UfopProcess.start(env('worker')),
    ]);
  }, 120_000);

  afterAll(() => endQueueTest(redis, [prefix], [web, ...workers]));

  it('the web process runs no handler: the workers run every job, both of them taking work', async () => {
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call(web.baseUrl, `demo/probe/hold/d${i}/100`)),
    );
    const pids = new Set(
      replies.map((reply) => {
        expect(reply.status).toBe(200);
        return reply.json().pid as number;
      }),
    );
    expect(pids.has(web.pid)).toBe(false);
    // Each worker runs at most 2 jobs at once, each held 100 ms: 24 jobs cannot all fit on one.
    expect([...pids].sort()).toEqual(workers.map((w) => w.pid).sort());
  }, 60_000);

  it('validates and routes in the web process: a bad cmd never becomes a job', async () => {
    const before = await jobCount();
    const reply = await call(web.baseUrl, 'demo/nosuch');
    expect(reply.status).toBe(404);
    expect(reply.json()).toEqual({ error: 'no handler for cmd "demo/nosuch"' });
    const badArgs = await call(web.baseUrl, 'demo/thumb/abc');
    expect(badArgs.status).toBe(400);
    expect(await jobCount()).toBe(before);
  });

  it('1 MiB of binary goes through byte for byte, and the job itself holds only small JSON (bytes travel as blobs)', async () => {
    const bytes = randomBytes(1024 * 1024);
    const reply = await call(web.baseUrl, 'demo/echo', bytes, 'image/x-test');
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('image/x-test');
    expect(reply.body.equals(bytes)).toBe(true);
    // Completed jobs are kept (UFOP_QUEUE_KEEP_COMPLETED=3): look inside the newest one.
    const client = new Redis(redis.url);
    try {
      const [newest] = await client.zrevrange(`${prefix}:ufop:completed`, 0, 0);
      const job = await client.hgetall(`${prefix}:ufop:${newest}`);
      expect(JSON.parse(job.data).input).toMatchObject({
        cmd: 'demo/echo',
        size: bytes.length,
        contentType: 'image/x-test',
      });
      expect(job.data.length).toBeLessThan(1024);
      expect(job.returnvalue.length).toBeLessThan(1024);
      expect(await client.exists(`${prefix}:ufop:blob:${newest}:in`, `${prefix}:ufop:blob:${newest}:out`)).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('handler errors come back with their status and message; unexpected ones as a bare 500', async () => {
    const failed = await call(web.baseUrl, 'demo/fixture/fail/418');
    expect([failed.status, failed.json()]).toEqual([418, { error: 'failed on purpose with 418' }]);
    const crash = await call(web.baseUrl, 'demo/fixture/crash');
    expect([crash.status, crash.json()]).toEqual([500, { error: 'internal error' }]);
    const workerLogs = workers.map((w) => w.output).join('');
    expect(workerLogs).toContain('secret internal detail'); // logged where it happened, never sent
  });

  it('request-scoped handlers get a fresh instance per job, in the worker', async () => {
    const seen: Array<{ pid: number; serial: number }> = [];
    for (let i = 0; i < 6; i++) seen.push((await call(web.baseUrl, 'demo/probe/scoped')).json());
    for (const { pid } of seen) expect(workers.map((w) => w.pid)).toContain(pid);
    const perProcess = new Set(seen.map(({ pid, serial }) => `${pid}/${serial}`));
    expect(perProcess.size).toBe(seen.length); // never the same instance twice
  });

  it('after 1,000 requests no job, blob or key is left beyond the completed jobs it is told to keep', async () => {
    const body = randomBytes(1024);
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 1000) {
          const i = next++;
          const reply =
            i % 2 ? await call(web.baseUrl, 'demo/echo', body) : await call(web.baseUrl, `demo/hello/n${i}`);
          const ok = i % 2 ? reply.body.equals(body) : reply.body.toString() === `hello n${i}`;
          if (reply.status !== 200 || !ok) failures.push(`${i}: ${reply.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    const keys = await keysUnder(redis.url, prefix);
    const rest = keys.map((key) => key.slice(prefix.length + 1));
    expect(rest.filter((key) => key.includes(':blob:'))).toEqual([]);
    const jobHashes = rest.filter((key) => /^ufop:[0-9a-f-]{36}$/.test(key));
    // What may remain: Bull's id counter and stalled-check marker, the live workers' slots, the retention sets and the
    // jobs they keep.
    for (const key of rest) expect(key).toMatch(/^ufop:(id|stalled-check|workers|completed|failed|[0-9a-f-]{36})$/);
    const client = new Redis(redis.url);
    try {
      const completed = await client.zcard(`${prefix}:ufop:completed`);
      const failed = await client.zcard(`${prefix}:ufop:failed`);
      expect(completed).toBe(KEEP_COMPLETED);
      expect(failed).toBe(2); // the two error cases above (UFOP_QUEUE_KEEP_FAILED keeps up to 100)
      expect(jobHashes.length).toBe(completed + failed);
      expect(await client.llen(`${prefix}:ufop:wait`)).toBe(0);
      expect(await client.llen(`${prefix}:ufop:active`)).toBe(0);
    } finally {
      client.disconnect();
    }
  }, 120_000);

  it('SIGKILL of the worker running a job: another worker re-runs it (stalled-job recovery) and the client gets the answer', async () => {
    const body = randomBytes(10_000);
    const pending = call(web.baseUrl, 'demo/probe/hold/victim/1500', body);
    const started = await Promise.race(workers.map((w) => w.waitFor(/job-start victim (\d+)/).then(() => w)));
    const survivor = workers.find((w) => w !== started)!;
    started.signal('SIGKILL');
    await started.exited;
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ tag: 'victim', pid: survivor.pid, size: body.length });
    expect(survivor.output).toMatch(/job-start victim/);
  }, 60_000);

  async function jobCount(): Promise<number> {
    const client = new Redis(redis.url);
    try {
      // Bull increments this counter for every job added, custom ids included.
      return Number(await client.get(`${prefix}:ufop:id`));
    } finally {
      client.disconnect();
    }
  }
});
