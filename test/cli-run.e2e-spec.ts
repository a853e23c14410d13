import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build';
import { CliProcess, runCli, waitForHealthy } from './support/cli-process';
import { freePort } from './support/free-port';
import { endQueueTest, TestRedis, uniquePrefix, useTestRedis } from './support/redis';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidsOf = (matches: RegExpMatchArray[]) => matches.map((match) => Number(match[1]));
const STARTED = /started server process (\d+)/;

/** `runserver` and `runworker` on the built sample: real processes, real HTTP, real Redis for the worker. */
describe('qiniu-ufop runserver / runworker (built sample)', () => {
  const running: CliProcess[] = [];
  let logDir: string;

  const start = (args: string[], env: Record<string, string | undefined> = {}, nodeFlags?: string[]) => {
    const proc = CliProcess.start(args, {
      env: { UFOP_LOG_DIR: logDir, REDIS_URL: undefined, UFOP_MODE: undefined, UFOP_ROLE: undefined, ...env },
      nodeFlags,
    });
    running.push(proc);
    return proc;
  };

  beforeAll(async () => {
    await ensureBuilt();
    logDir = mkdtempSync(join(tmpdir(), 'ufop-run-logs-'));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map((proc) => proc.stop(5_000)));
    rmSync(logDir, { recursive: true, force: true });
  });

  describe('runserver, inline mode, CPU_COUNT=2', () => {
    let server: CliProcess;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = start(['runserver', '-p', String(port)], { CPU_COUNT: '2' });
      await server.waitFor(STARTED, 2);
      await waitForHealthy(`${base}/health`, server);
    }, 120_000);

    it('runs one process per core and serves /health and /handler', async () => {
      expect(server.output).toContain('starting 2 server processes');
      const pids = pidsOf(await server.waitFor(STARTED, 2));
      expect(new Set(pids).size).toBe(2);
      expect(pids.every(alive)).toBe(true);

      const bytes = randomBytes(100_000);
      const echo = await fetch(`${base}/handler?cmd=demo/echo`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': 'application/x-test' },
      });
      expect(echo.status).toBe(200);
      expect(echo.headers.get('content-type')).toBe('application/x-test');
      expect(Buffer.from(await echo.arrayBuffer()).equals(bytes)).toBe(true);
      const hello = await fetch(`${base}/handler?cmd=demo/hello/runserver`, { method: 'POST' });
      expect(await hello.text()).toBe('hello runserver');
    });

    it('writes its log to $UFOP_LOG_DIR/server/server.log as well as stdout', async () => {
      await server.waitFor(/listening on port/, 2);
      const file = join(logDir, 'server', 'server.log');
      const text = readFileSync(file, 'utf8');
      const listening = [...text.matchAll(/^\S+ (\d+) LOG \[Ufop\] listening on port/gm)].map((m) => Number(m[1]));
      const pids = pidsOf(await server.waitFor(STARTED, 2));
      expect(listening).toEqual(expect.arrayContaining(pids));
      expect(text).toMatch(/\[Supervisor\] starting 2 server processes/);
      // Plain text: no colour escapes in the file.
      expect(text).not.toContain('\u001b[');
      expect(existsSync(join(logDir, 'worker'))).toBe(false);
    });

    it('replaces a process that dies', async () => {
      const [victim, other] = pidsOf(await server.waitFor(STARTED, 2));
      process.kill(victim, 'SIGKILL');
      await server.waitFor(new RegExp(`server process ${victim} exited \\(signal SIGKILL\\)[^\\n]*restarting`));
      const pids = pidsOf(await server.waitFor(STARTED, 3));
      const replacement = pids[2];
      expect([victim, other]).not.toContain(replacement);
      await server.waitFor(/listening on port/, 3);
      expect(alive(replacement) && alive(other)).toBe(true);
      const hello = await fetch(`${base}/handler?cmd=demo/hello/again`, { method: 'POST' });
      expect(await hello.text()).toBe('hello again');
    });

    it('drains on SIGTERM: a request in flight completes, then every process exits and so does runserver (0)', async () => {
      const body = randomBytes(50_000);
      const url = new URL(`${base}/handler?cmd=demo/echo`);
      // Expect: 100-continue makes the server answer once a process has the request: then we know it is in flight.
      const req = request(url, {
        method: 'POST',
        headers: {
          expect: '100-continue',
          'content-type': 'application/octet-stream',
          'content-length': String(body.length),
        },
      });
      const responded = once(req, 'response');
      req.flushHeaders();
      await once(req, 'continue');
      const pids = pidsOf(await server.waitFor(STARTED, 3)).filter(alive);

      server.child.kill('SIGTERM');
      await server.waitFor(/received SIGTERM: draining 2 server process/);
      req.end(body);
      const [response] = (await responded) as [import('node:http').IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      expect(response.statusCode).toBe(200);
      expect(Buffer.concat(chunks).equals(body)).toBe(true);

      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output).toMatch(/stopped \(exit code 0\)/);
      expect(pids.some(alive)).toBe(false);
    });
  });

  it('runserver --debug runs one process under the inspector', async () => {
    const [port, inspectPort] = [await freePort(), await freePort()];
    const server = start(['runserver', '--debug', '--inspect-port', String(inspectPort), '-p', String(port)], {
      CPU_COUNT: '4',
    });
    await server.waitFor(new RegExp(`Debugger listening on ws://127\\.0\\.0\\.1:${inspectPort}/`));
    await waitForHealthy(`http://127.0.0.1:${port}/health`, server);
    const inspector = await fetch(`http://127.0.0.1:${inspectPort}/json/list`);
    expect(inspector.status).toBe(200);
    expect(server.output).toContain('starting 1 server process of');
    expect(server.output.match(/started server process/g)).toHaveLength(1);
    await server.stop();
    expect(server.exitCode).toBe(0);
  }, 120_000);

  it("starts its processes with the Node flags it was started with, the inspector's aside", async () => {
    const port = await freePort();
    const flags = ['--no-memory-reducer', '--stack-size=2000'];
    const server = start(['runserver', '-p', String(port)], { CPU_COUNT: '1' }, [...flags, '--inspect=127.0.0.1:0']);
    const [pid] = pidsOf(await server.waitFor(STARTED, 1));
    await waitForHealthy(`http://127.0.0.1:${port}/health`, server);
    // The process's own command line: node, its flags, then the built entry.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const entry = argv.findIndex((arg) => arg.endsWith('.js'));
    expect(argv.slice(1, entry)).toEqual(flags);
    const hello = await fetch(`http://127.0.0.1:${port}/handler?cmd=demo/hello/flags`, { method: 'POST' });
    expect(await hello.text()).toBe('hello flags');
    await server.stop();
    expect(server.exitCode).toBe(0);
  }, 120_000);

  it('gives up, exit 1, when processes keep dying at boot', async () => {
    // A setting the CLI does not read itself: each process stops on it at boot.
    const server = start(['runserver', '-p', String(await freePort())], {
      CPU_COUNT: '1',
      UFOP_MAX_BODY_BYTES: 'bogus',
    });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(server.output).toContain('Invalid UFOP_MAX_BODY_BYTES="bogus"');
    expect(server.output).toMatch(/5 processes in a row died within 5000 ms of starting: giving up/);
    expect(server.output.match(/started server process/g)).toHaveLength(5);
  }, 120_000);

  it('stops before starting anything when the mode it must decide on is invalid', async () => {
    const server = start(['runserver', '-p', String(await freePort())], { CPU_COUNT: '1', UFOP_MODE: 'bogus' });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(server.output.trim()).toBe('qiniu-ufop: Invalid UFOP_MODE="bogus": expected one of inline, queue');
  }, 60_000);

  it('says to build first when the built entry is missing', async () => {
    const result = await runCli(['runserver', '--entry', 'dist/nope/main.js']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^qiniu-ufop: \S+dist\/nope\/main\.js does not exist: build the project first \(npm run build\)\n$/,
    );
  });

  describe('runworker', () => {
    let redis: TestRedis;
    let prefix: string;

    beforeAll(async () => {
      redis = await useTestRedis();
      prefix = uniquePrefix('cli-run');
    }, 60_000);

    afterAll(() => endQueueTest(redis, [prefix]));

    it('refuses to start without queue mode, saying how to enable it', async () => {
      const result = await runCli(['runworker'], { env: { REDIS_URL: undefined, UFOP_MODE: undefined } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'qiniu-ufop: runworker needs queue mode: set REDIS_URL (for example redis://127.0.0.1:6379) in the environment or .env\n',
      );
      const inline = await runCli(['runworker'], { env: { REDIS_URL: redis.url, UFOP_MODE: 'inline' } });
      expect(inline.stderr).toBe('qiniu-ufop: runworker needs queue mode, but UFOP_MODE=inline\n');
    });

    it('runs worker processes that take the jobs runserver (web role in queue mode) enqueues', async () => {
      const queueEnv = { REDIS_URL: redis.url, UFOP_QUEUE_PREFIX: prefix };
      const worker = start(['runworker', '-c', '3', '--processes', '2'], queueEnv);
      await worker.waitFor(/worker started \(queue \S+, up to 3 jobs at once\)/, 2);
      expect(worker.output).toContain('starting 2 worker processes');

      const port = await freePort();
      const web = start(['runserver', '-p', String(port), '--processes', '1'], queueEnv);
      await web.waitFor(/listening on port \d+ \(queue mode, web role\)/);
      await waitForHealthy(`http://127.0.0.1:${port}/health`, web);

      const bytes = randomBytes(30_000);
      const echo = await fetch(`http://127.0.0.1:${port}/handler?cmd=demo/echo`, { method: 'POST', body: bytes });
      expect(echo.status).toBe(200);
      expect(Buffer.from(await echo.arrayBuffer()).equals(bytes)).toBe(true);

      // Worker processes log to $UFOP_LOG_DIR/worker/, the other path dora.yaml lists.
      const workerLog = readFileSync(join(logDir, 'worker', 'worker.log'), 'utf8');
      expect(workerLog.match(/worker started/g)?.length).toBeGreaterThanOrEqual(2);
      expect(workerLog).toContain('[Supervisor] starting 2 worker processes');

      await Promise.all([web.stop(), worker.stop()]);
      expect([web.exitCode, worker.exitCode]).toEqual([0, 0]);
    }, 120_000);

    it("gives each worker process its share of UFOP_CONCURRENCY's default without -c: 2 per CPU", async () => {
      const worker = start(['runworker', '--processes', '2'], {
        REDIS_URL: redis.url,
        UFOP_QUEUE_PREFIX: prefix,
        CPU_COUNT: '3',
        UFOP_CONCURRENCY: undefined,
      });
      await worker.waitFor(/worker started \(queue \S+, up to 3 jobs at once\)/, 2); // 2 × 3 CPUs ÷ 2 processes
      await worker.stop();
      expect(worker.exitCode).toBe(0);
    }, 60_000);
  });
});
