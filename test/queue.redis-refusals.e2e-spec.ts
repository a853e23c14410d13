import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './support/eventually';
import { RedisServer, uniquePrefix } from './support/redis';
import { callHandler as call, health, UfopProcess } from './support/ufop-process';

/**
 * A Redis that answers PING but refuses the queue's writes: a replica (READONLY), one past maxmemory (OOM), a node of a
 * Redis Cluster (CLUSTERDOWN, MOVED). /health says which and what to do, a request gets a 503 that says Redis refused
 * it (not that Redis cannot be reached), and once Redis takes writes again the service resumes with no restart.
 */
describe('queue mode on a Redis that refuses writes', () => {
  const servers: RedisServer[] = [];
  const processes: UfopProcess[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'ufop-refusals-'));
  const redisServer = async (args: string[] = []) => {
    // In a folder of the test's own: a replica writes the data set its master sends it to its folder's dump.rdb.
    const server = await RedisServer.start(undefined, undefined, ['--dir', tmp, ...args]);
    servers.push(server);
    return server;
  };
  const launch = async (env: Record<string, string>) => {
    const process = await UfopProcess.start({ UFOP_QUEUE_PREFIX: uniquePrefix('refusals'), ...env });
    processes.push(process);
    return process;
  };
  const refused = async (process: UfopProcess, meaning: RegExp) => {
    const sick = await health(process.baseUrl);
    expect(sick.status).toBe(503);
    expect(String(sick.body.error)).toMatch(/^unhealthy: Redis refuses the queue's writes: /);
    expect(String(sick.body.error)).toMatch(meaning);
    const answer = await call(process.baseUrl, 'demo/hello/refused');
    expect(answer.status).toBe(503);
    expect(answer.json()).toEqual({ error: 'the job queue is unavailable: Redis refused the job' });
  };
  const resumes = async (process: UfopProcess) => {
    await until(async () => (await health(process.baseUrl)).status === 200, '/health back to 200', 30_000, 100);
    const bytes = randomBytes(3 * 1024 * 1024);
    const echoed = await call(process.baseUrl, 'demo/echo', bytes);
    expect(echoed.status).toBe(200);
    expect(echoed.body.equals(bytes)).toBe(true);
    expect((await call(process.baseUrl, 'demo/hello/back')).body.toString()).toBe('hello back');
  };

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.kill()));
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a replica: /health names it, requests get 503, and promoting it brings the service back', async () => {
    const master = await redisServer();
    const replica = await redisServer(['--replicaof', '127.0.0.1', String(master.port)]);
    const process = await launch({ REDIS_URL: replica.url, UFOP_ROLE: 'all' });
    await refused(process, /the Redis at REDIS_URL is a read-only replica: point REDIS_URL at its master.*\(READONLY /);
    // Redis's own words, without the location in the framework's script it appends.
    expect(process.output).toMatch(
      /job [\w-]+: the Redis at REDIS_URL is a read-only replica: .*\(READONLY [^)]*\.\)\n/,
    );
    expect(process.output).not.toMatch(/@user_script/);
    // The worker's side: Bull's loops fail several times a second; the line is said once per 10 s, with a count.
    const workerLines = () =>
      process.output.match(/WARN \[UfopQueue\] queue: the Redis at REDIS_URL is a read-only/g) ?? [];
    await process.waitFor(/queue: the Redis at REDIS_URL is a read-only replica/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(workerLines()).toHaveLength(1);

    await replica.call('REPLICAOF', 'NO', 'ONE');
    await resumes(process);
    expect(process.output).not.toMatch(/^\s+at /m);
    expect(process.exit).toBeUndefined();
  }, 120_000);

  it('a full Redis (OOM): /health says so, requests get 503, and room made brings the service back', async () => {
    const redis = await redisServer(['--maxmemory-policy', 'noeviction']);
    const env = { REDIS_URL: redis.url, UFOP_QUEUE_PREFIX: uniquePrefix('oom') };
    const [web, worker] = [await launch({ ...env, UFOP_ROLE: 'web' }), await launch({ ...env, UFOP_ROLE: 'worker' })];
    expect((await call(web.baseUrl, 'demo/hello/before')).body.toString()).toBe('hello before');

    await redis.call('CONFIG', 'SET', 'maxmemory', '1');
    await refused(web, /^unhealthy: Redis refuses the queue's writes: Redis is full .*\(OOM command not allowed/);

    await redis.call('CONFIG', 'SET', 'maxmemory', '0');
    await resumes(web);
    // What the refused request made is gone with it; the ones answered after left nothing either.
    expect(await redis.keysLeft(`${env.UFOP_QUEUE_PREFIX}:*:blob:*`)).toEqual([]);
    expect([web.exit, worker.exit]).toEqual([undefined, undefined]);
  }, 120_000);

  it('a node of a Redis Cluster: /health says the queue does not support Cluster', async () => {
    const node = await redisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(tmp, 'nodes.conf')]);
    const process = await launch({ REDIS_URL: node.url, UFOP_ROLE: 'web' });
    await refused(process, /the Redis at REDIS_URL is a node of a Redis Cluster, which the job queue does not support/);
    expect(process.output).not.toMatch(/^\s+at /m);
  }, 120_000);
});
