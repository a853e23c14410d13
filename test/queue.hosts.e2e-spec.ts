import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EchoLoad, EchoOutcome, tally } from './support/echo-load';
import { NetnsHosts } from './support/netns-hosts';
import { uniquePrefix } from './support/redis';
import { UfopProcess } from './support/ufop-process';

const HANDLER_TIMEOUT_MS = 5000;
/** A request with no answer this long after it started has hung. */
const REQUEST_TIMEOUT_MS = HANDLER_TIMEOUT_MS + 3000;
const KIB = 1024;
const MIB = 1024 * KIB;
const CLIENT_ENTRY = join(__dirname, 'support', 'netns-client.ts');

const unavailable = NetnsHosts.unavailable();
if (unavailable) process.stderr.write(`queue.hosts.e2e-spec: skipped, ${unavailable}\n`);
const describeWithHosts = unavailable ? describe.skip : describe;

/**
 * Queue mode across machines for real: Redis, the web process, a worker and the client each on a "host" of its
 * own (a network namespace behind a bridge, 5 ms of netem delay on every link), talking over 10.77.0.0/24 only.
 */
describeWithHosts(
  `queue mode across hosts (network namespaces)${unavailable ? `: skipped, ${unavailable}` : ''}`,
  () => {
    const hosts = new NetnsHosts(`ufop${process.pid}`);
    const processes: UfopProcess[] = [];
    let redis: ChildProcess | undefined;
    let client: UfopProcess;
    let web: UfopProcess;
    let env: Record<string, string>;
    let requests = 0;
    // Namespaces share the file system: each host gets a handoff folder of its own, as a machine has, so that the
    // bytes between the web and the worker host go through Redis and nothing else.
    let folders = '';
    const handoffDir = (host: string) => join(folders, host);

    const startWorker = async () => {
      const worker = await UfopProcess.start(
        { ...env, UFOP_ROLE: 'worker', UFOP_HANDOFF_DIR: handoffDir('worker') },
        hosts.exec('worker'),
      );
      processes.push(worker);
      return worker;
    };

    /** Runs a load from the client host against the web host and returns its outcomes. */
    const load = async (spec: Omit<EchoLoad, 'stop'>): Promise<EchoOutcome[]> => {
      const id = ++requests;
      client.child.stdin!.write(
        `${JSON.stringify({ id, baseUrl: `http://${hosts.host('web').address}:${web.port}`, ...spec })}\n`,
      );
      const [line] = await client.waitFor(new RegExp(`^\\{"id":${id},.*\\}$`, 'm'), 120_000);
      return (JSON.parse(line) as { outcomes: EchoOutcome[] }).outcomes;
    };

    beforeAll(async () => {
      try {
        folders = mkdtempSync('/dev/shm/ufop-hosts-');
        hosts.create(['redis', 'web', 'worker', 'client']);
        const redisHost = hosts.host('redis');
        redis = spawn(
          'ip',
          [
            'netns',
            'exec',
            redisHost.ns,
            'redis-server',
            '--port',
            '6379',
            '--bind',
            redisHost.address,
            '--protected-mode',
            'no',
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        );
        const deadline = Date.now() + 10_000;
        const ping = () =>
          spawnSync('ip', ['netns', 'exec', hosts.host('web').ns, 'redis-cli', '-h', redisHost.address, 'ping'], {
            encoding: 'utf8',
          }).stdout;
        while (!ping()?.includes('PONG')) {
          if (Date.now() > deadline) throw new Error('redis-server on the redis host did not answer from the web host');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        env = {
          REDIS_URL: `redis://${redisHost.address}:6379`,
          UFOP_QUEUE_PREFIX: uniquePrefix('hosts'),
          UFOP_HANDLER_TIMEOUT_MS: String(HANDLER_TIMEOUT_MS),
          UFOP_CONCURRENCY: '2',
        };
        const started = await Promise.all([
          UfopProcess.start({ ...env, UFOP_ROLE: 'web', UFOP_HANDOFF_DIR: handoffDir('web') }, hosts.exec('web')),
          startWorker(),
          (async () => {
            const started = UfopProcess.spawn({}, hosts.exec('client'), CLIENT_ENTRY);
            await started.waitFor(/client ready/, 60_000);
            return started;
          })(),
        ]);
        [web, , client] = started;
        processes.push(web, client);
      } catch (error) {
        await teardown();
        throw error;
      }
    }, 180_000);

    const teardown = async () => {
      await Promise.all(processes.map((process) => process.kill()));
      redis?.kill('SIGKILL');
      hosts.destroy();
      if (folders) rmSync(folders, { recursive: true, force: true });
    };
    afterAll(teardown);

    it('has hosts that reach only each other: no route out of their LAN, nothing added to the machine', () => {
      process.stdout.write(
        `hosts: netem delay ${hosts.delayed ? '5 ms on each link' : 'not available here (no sch_netem): links undelayed'}\n`,
      );
      for (const name of ['redis', 'web', 'worker', 'client']) {
        const routes = spawnSync('ip', ['-n', hosts.host(name).ns, 'route'], { encoding: 'utf8' }).stdout.trim();
        expect(routes).toMatch(/^10\.77\.0\.0\/24 dev eth0/);
        expect(routes).not.toMatch(/default/);
      }
      expect(spawnSync('ip', ['-o', 'addr'], { encoding: 'utf8' }).stdout).not.toContain('10.77.0.');
    });

    it('answers byte-exact across hosts, small and large', async () => {
      const outcomes = await load({ sizes: [KIB, 2 * MIB], count: 20, concurrency: 2, timeoutMs: 60_000 });
      const p50 = (size: number) => {
        const times = outcomes
          .filter((outcome) => outcome.size === size)
          .map((outcome) => outcome.end - outcome.start)
          .sort((a, b) => a - b);
        return times[Math.floor(times.length / 2)];
      };
      process.stdout.write(`hosts: 20 echo requests, p50 1 KiB ${p50(KIB)} ms, 2 MiB ${p50(2 * MIB)} ms\n`);
      expect(tally(outcomes)).toEqual({ ok: 20, refused: 0, wrong: 0, hang: 0, error: 0 });
    }, 120_000);

    it('fails cleanly while the worker host is gone (504 within the timeout, no hang), and recovers with a new worker', async () => {
      const [worker] = processes.filter((process) => process !== web && process !== client);
      await worker.kill();
      const lost = await load({ sizes: [KIB], count: 4, concurrency: 2, timeoutMs: REQUEST_TIMEOUT_MS });
      process.stdout.write(
        `hosts: without a worker ${JSON.stringify(lost.map((outcome) => [outcome.status, outcome.end - outcome.start]))}\n`,
      );
      expect(tally(lost)).toEqual({ ok: 0, refused: 4, wrong: 0, hang: 0, error: 0 });

      await startWorker();
      const back = await load({ sizes: [KIB, 2 * MIB], count: 10, concurrency: 2, timeoutMs: 60_000 });
      expect(tally(back)).toEqual({ ok: 10, refused: 0, wrong: 0, hang: 0, error: 0 });
    }, 120_000);
  },
);
