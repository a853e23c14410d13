import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from './support/protocol.suite';
import { endQueueTest, TestRedis, uniquePrefix, useTestRedis } from './support/redis';
import { freePort } from './support/free-port';
import { UfopProcess } from './support/ufop-process';

const TOKEN = 'logs-admin-token-0123456789';

interface JsonLine {
  time: string;
  level: string;
  pid: number;
  context?: string;
  reqid?: string;
  message: string;
}

const parseLines = (text: string): JsonLine[] =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonLine);

/** Real processes writing real log files: a web and a worker process on Redis (queue mode), JSON logs. */
describe('logs: request ids across web and worker, JSON lines, _ufop/logs (queue mode, child processes)', () => {
  let redis: TestRedis;
  let prefix: string;
  let logDir: string;
  let web: UfopProcess;
  let worker: UfopProcess;
  let workerMetrics: string;

  beforeAll(async () => {
    const metricsPort = await freePort();
    workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    redis = await useTestRedis();
    prefix = uniquePrefix('obs-logs');
    logDir = mkdtempSync(join(tmpdir(), 'ufop-obs-logs-'));
    const env = (role: string) => ({
      REDIS_URL: redis.url,
      UFOP_MODE: 'queue',
      UFOP_ROLE: role,
      UFOP_QUEUE_PREFIX: prefix,
      UFOP_LOG_DIR: logDir,
      UFOP_LOG_FORMAT: 'json',
      UFOP_ADMIN_TOKEN: TOKEN,
    });
    [web, worker] = await Promise.all([
      UfopProcess.start(env('web')),
      UfopProcess.start({ ...env('worker'), UFOP_METRICS_PORT: String(metricsPort), UFOP_CONCURRENCY: '2' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await endQueueTest(redis, [prefix], [web, worker]);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it("carries the X-Reqid into the worker's log line of the job, and every line of both files is JSON", async () => {
    const reply = await post(web.baseUrl, { cmd: 'demo/hello/queue' }, { headers: { 'x-reqid': 'obs-queue-req-1' } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-reqid')).toBe('obs-queue-req-1');
    await worker.waitFor(/"reqid":"obs-queue-req-1"/);
    await web.waitFor(/"context":"UfopAccess","reqid":"obs-queue-req-1"/);

    const workerLines = parseLines(readFileSync(join(logDir, 'worker', 'worker.log'), 'utf8'));
    const job = workerLines.filter((line) => line.reqid === 'obs-queue-req-1');
    expect(job).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
        level: 'log',
        pid: worker.pid,
        context: 'UfopQueue',
        reqid: 'obs-queue-req-1',
        message: expect.stringMatching(/^job \S+ cmd=demo\/hello\/queue status=200 ms=[\d.]+$/),
      },
    ]);
    const serverLines = parseLines(readFileSync(join(logDir, 'server', 'server.log'), 'utf8'));
    const access = serverLines.filter((line) => line.reqid === 'obs-queue-req-1');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ pid: web.pid, context: 'UfopAccess' });
    expect(access[0].message).toMatch(
      /^route=hello\/:name\? status=200 in=0 out=11 ms=[\d.]+ input=[\d.]+ queue=[\d.]+ process=[\d.]+ output=[\d.]+$/,
    );
    // The boot log lists the handlers, route → Class.method.
    expect(serverLines.map((line) => line.message)).toContain('mapped "hello/:name?" → DemoHandler.hello');
  });

  it("a worker's scrape shows its job slots and Bull's job counts", async () => {
    const text = await (await fetch(workerMetrics)).text();
    expect(text).toMatch(/^ufop_handler_slots 2$/m);
    expect(text).toMatch(/^ufop_handler_slots_busy 0$/m);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(text).toMatch(new RegExp(`^ufop_queue_jobs\\{state="${state}"\\} 0$`, 'm'));
    }
  });

  it('_ufop/logs returns the lines of a given reqid, from the web or the worker files, with the token only', async () => {
    const cmd = (rest: string) => `demo/_ufop/logs/token/${TOKEN}${rest}`;
    const fromWorker = await post(web.baseUrl, { cmd: cmd('/reqid/obs-queue-req-1/role/worker') });
    expect(fromWorker.status).toBe(200);
    expect(fromWorker.type).toBe('text/plain; charset=utf-8');
    const workerLines = parseLines(fromWorker.body.toString());
    expect(workerLines.map((line) => [line.context, line.reqid])).toEqual([['UfopQueue', 'obs-queue-req-1']]);

    const fromServer = parseLines((await post(web.baseUrl, { cmd: cmd('/reqid/obs-queue-req-1') })).body.toString());
    expect(fromServer.map((line) => [line.context, line.reqid])).toEqual([['UfopAccess', 'obs-queue-req-1']]);

    const lastTwo = parseLines((await post(web.baseUrl, { cmd: cmd('/lines/2') })).body.toString());
    expect(lastTwo).toHaveLength(2);

    expect((await post(web.baseUrl, { cmd: cmd('/lines/0') })).json()).toEqual({
      error: '_ufop/logs: lines must be an integer from 1 to 5000',
    });
    const wrong = `demo/_ufop/logs/token/not-the-token-0123456789/reqid/obs-queue-req-1`;
    const refused = await post(web.baseUrl, { cmd: wrong });
    expect(refused.status).toBe(404);
    expect(refused.json()).toEqual({ error: `no handler for cmd ${JSON.stringify(wrong)}` });
  });
});

describe('log rotation (inline mode, child process)', () => {
  let logDir: string;
  let app: UfopProcess;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'ufop-obs-rotate-'));
    app = await UfopProcess.start({
      UFOP_LOG_DIR: logDir,
      UFOP_LOG_MAX_BYTES: '2048',
      UFOP_LOG_FILES: '3',
      UFOP_MODE: 'inline',
      REDIS_URL: '',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.kill();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it('keeps UFOP_LOG_FILES files of about UFOP_LOG_MAX_BYTES, the newest lines in server.log', async () => {
    for (let i = 0; i < 80; i++) {
      expect((await post(app.baseUrl, { cmd: 'demo/hello' }, { headers: { 'x-reqid': `rotate-${i}` } })).status).toBe(
        200,
      );
    }
    await app.waitFor(/reqid=rotate-79 /);
    expect(readdirSync(join(logDir, 'server')).sort()).toEqual(['server.log', 'server.log.1', 'server.log.2']);
    expect(readFileSync(join(logDir, 'server', 'server.log'), 'utf8')).toMatch(
      /^\S+Z \d+ LOG \[UfopAccess\] reqid=rotate-79 route=hello\/:name\? status=200 /m,
    );
    expect(readFileSync(join(logDir, 'server', 'server.log.2'), 'utf8')).not.toContain('reqid=rotate-0 ');
  });
});
