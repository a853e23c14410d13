import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DoctorContext } from './doctor.check';
import { dockerDaemonFix } from './doctor.messages';
import { deployFailureMessage, formatReport, runChecks } from './doctor.report';
import { compareVersions, cpuFlavorCheck, nodeCheck, portCheck } from './environment.checks';
import { redisCheck } from './redis.check';
import { FakeSentinel } from '../../../test/support/fake-sentinel';

const context = (env: Record<string, string | undefined> = {}): DoctorContext => ({ env, path: '' });

describe('doctor checks', () => {
  describe('dockerDaemonFix', () => {
    const env = { DOCKER_HOST: 'tcp://10.0.0.5:2376' };
    it('tells a daemon that is not running from TLS, certificate and permission problems', () => {
      expect(dockerDaemonFix('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.', {})).toMatch(
        /^start the Docker daemon.*DOCKER_HOST=tcp:\/\/127\.0\.0\.1:2375.*\(now: DOCKER_HOST is not set, DOCKER_TLS_VERIFY is not set, DOCKER_CERT_PATH is not set\)$/,
      );
      expect(dockerDaemonFix('malformed HTTP response "\\x15\\x03"', env)).toMatch(
        /^the client and the daemon disagree about TLS.*now: DOCKER_HOST=tcp:\/\/10\.0\.0\.5:2376/,
      );
      expect(dockerDaemonFix('x509: certificate signed by unknown authority', env)).toMatch(
        /^the daemon's TLS certificate is not accepted/,
      );
      expect(dockerDaemonFix('dial unix /var/run/docker.sock: connect: permission denied', env)).toMatch(
        /docker group/,
      );
      expect(dockerDaemonFix('something else', env)).toMatch(/^check that `docker info` works in this shell/);
    });
  });

  describe('redis', () => {
    it('reads REDIS_SENTINELS as the processes do, and says when no sentinel gives the master', async () => {
      expect(await redisCheck.run(context({}))).toMatchObject({ status: 'skip' });
      expect(await redisCheck.run(context({ REDIS_SENTINELS: 'a:b:c' }))).toMatchObject({
        status: 'fail',
        summary: 'Invalid REDIS_SENTINELS entry "a:b:c": expected host:port',
      });
      const down = await redisCheck.run(context({ REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_NAME: 'cache' }));
      expect(down).toEqual({
        status: 'fail',
        summary: `Redis does not answer at the master "cache" of sentinels 127.0.0.1:1: no sentinel gave the master's address`,
        fix: expect.stringMatching(/REDIS_SENTINEL_NAME/),
        details: ['sentinel 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1'],
      });
    });

    describe('under Sentinel, each sentinel asked (sentinels that speak RESP, on loopback)', () => {
      // A FakeSentinel answers PING too, so one of them also stands for a master that answers.
      const started: FakeSentinel[] = [];
      const sentinel = async (master: { host: string; port: number } | null) => {
        const fake = await FakeSentinel.start(master);
        started.push(fake);
        return fake;
      };
      const at = (fake: FakeSentinel) => ({ host: '127.0.0.1', port: fake.port });
      const run = (...sentinels: Array<FakeSentinel | string>) =>
        redisCheck.run(
          context({
            REDIS_SENTINELS: sentinels.map((s) => (typeof s === 'string' ? s : `127.0.0.1:${s.port}`)).join(','),
          }),
        );
      afterEach(async () => {
        await Promise.all(started.splice(0).map((fake) => fake.close()));
      });

      it('is ok when every sentinel names the same master and it answers', async () => {
        const master = await sentinel(null);
        const [a, b] = [await sentinel(at(master)), await sentinel(at(master))];
        expect(await run(a, b)).toEqual({
          status: 'ok',
          summary: `Redis answers at 127.0.0.1:${master.port}, the master "mymaster" of sentinels 127.0.0.1:${a.port},127.0.0.1:${b.port}`,
        });
      });

      it('warns, naming each one, when the master answers but a sentinel is down, knows no such master or names another', async () => {
        const master = await sentinel(null);
        const [agrees, lost, other] = [
          await sentinel(at(master)),
          await sentinel(null),
          await sentinel({ host: '127.0.0.1', port: 9 }),
        ];
        const result = await run('127.0.0.1:1', agrees, lost, other);
        expect(result).toMatchObject({
          status: 'warn',
          summary: expect.stringMatching(new RegExp(`^Redis answers at 127\\.0\\.0\\.1:${master.port}, the master`)),
          fix: expect.stringMatching(/quorum/),
        });
        expect(result.details).toEqual([
          'sentinel 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
          `sentinel 127.0.0.1:${lost.port}: monitors no master named "mymaster"`,
          `sentinel 127.0.0.1:${other.port}: names 127.0.0.1:9 as the master`,
        ]);
      });

      it('fails when the sentinels know no such master, or the master they name does not answer or is a replica', async () => {
        const lost = await sentinel(null);
        expect(await run(lost)).toMatchObject({
          status: 'fail',
          summary: expect.stringMatching(/: no sentinel monitors a master named "mymaster"$/),
          fix: expect.stringMatching(/REDIS_SENTINEL_NAME/),
          details: [`sentinel 127.0.0.1:${lost.port}: monitors no master named "mymaster"`],
        });
        const gone = await sentinel({ host: '127.0.0.1', port: 1 });
        expect(await run(gone)).toMatchObject({
          status: 'fail',
          summary: expect.stringMatching(
            /^Redis does not answer at 127\.0\.0\.1:1, the master "mymaster" of sentinels .*: connect ECONNREFUSED/,
          ),
          details: [],
        });
        const replica = await sentinel(null);
        replica.role = 'slave';
        const confused = await sentinel(at(replica));
        expect(await run(confused)).toMatchObject({
          status: 'fail',
          summary: `Redis at 127.0.0.1:${replica.port}, which the sentinels name as the master "mymaster", answers as a replica`,
        });
      });
    });

    it('leaves no timer behind when Redis does not answer (TCP, socket or Sentinel), so that doctor exits once it has reported', async () => {
      const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
      // A timer the check set for "at once" has run by the time one set after it for 10 ms does: what is left after
      // that would hold the process (ioredis's own, left at its default, was 2 s).
      const timersAfterwards = async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return timers();
      };
      // No more than before: a timer of an earlier test may run out meanwhile, and the count compared with an exact
      // `before` then failed on a loaded machine.
      const before = timers();
      expect(await redisCheck.run(context({ REDIS_URL: 'redis://127.0.0.1:1' }))).toMatchObject({ status: 'fail' });
      expect(await timersAfterwards()).toBeLessThanOrEqual(before);
      const socket = join(tmpdir(), `ufop-doctor-${process.pid}-none.sock`);
      expect(await redisCheck.run(context({ REDIS_URL: `unix://${socket}` }))).toMatchObject({ status: 'fail' });
      expect(await timersAfterwards()).toBeLessThanOrEqual(before);
      // Sentinels that do not answer: ioredis's own Sentinel support left its 2 s timer here.
      expect(await redisCheck.run(context({ REDIS_SENTINELS: '127.0.0.1:1,127.0.0.1:2' }))).toMatchObject({
        status: 'fail',
      });
      expect(await timersAfterwards()).toBeLessThanOrEqual(before);
    });
  });

  describe('cpu and flavor', () => {
    const run = async (env: Record<string, string>) => cpuFlavorCheck.run(context(env));
    it('accepts either, both when they agree, and neither', async () => {
      expect(await run({ CPU_COUNT: '2' })).toMatchObject({ status: 'ok', summary: 'CPU_COUNT=2: 2 processes' });
      expect(await run({ FLAVOR: 'C4M8' })).toMatchObject({ status: 'ok', summary: 'FLAVOR=C4M8: 4 processes' });
      expect(await run({ CPU_COUNT: '1', FLAVOR: 'c2m4' })).toMatchObject({ status: 'ok' });
      expect((await run({})).status).toBe('ok');
    });
    it('refuses malformed values and warns when CPU_COUNT exceeds the flavor', async () => {
      expect(await run({ CPU_COUNT: 'two' })).toMatchObject({
        status: 'fail',
        summary: 'CPU_COUNT=two is not a positive integer',
      });
      expect(await run({ FLAVOR: '4 cores' })).toMatchObject({
        status: 'fail',
        summary: 'FLAVOR=4 cores is not a dora flavor',
      });
      expect(await run({ CPU_COUNT: '8', FLAVOR: 'C2M4' })).toMatchObject({
        status: 'warn',
        fix: "remove CPU_COUNT (the flavor's 2 is used) or lower it to 2",
      });
    });
  });

  describe('port', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer().listen(0);
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => server.close());

    it('warns about a port in use, naming the variable it came from', async () => {
      const result = await portCheck.run(context({ PORT: String(port) }));
      expect(result).toMatchObject({
        status: 'warn',
        summary: `PORT=${port} is in use: runserver and npm start would fail to listen`,
      });
    });
    it('takes PORT_HTTP when PORT is unset, and refuses what is not a port', async () => {
      server.close();
      await once(server, 'close');
      expect(await portCheck.run(context({ PORT_HTTP: String(port) }))).toMatchObject({
        status: 'ok',
        summary: `PORT_HTTP=${port} is free`,
      });
      expect(await portCheck.run(context({ PORT: 'http' }))).toMatchObject({
        status: 'fail',
        summary: 'PORT=http is not a port number',
      });
    });
  });

  it('compares Node versions and fails on one older than engines.node', async () => {
    expect(compareVersions('20.18.1', '20.18.1')).toBe(0);
    expect(compareVersions('20.9.0', '20.18.1')).toBeLessThan(0);
    expect(compareVersions('22.0.0', '20.18.1')).toBeGreaterThan(0);
    expect(await nodeCheck('18.19.0').run(context())).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^Node\.js 18\.19\.0 is older than qiniu-ufop needs \(>=/),
    });
    expect((await nodeCheck(process.versions.node).run(context())).status).toBe('ok');
  });

  it('reports each check with its fix, counts problems, and tells deploy failures apart', async () => {
    const report = await runChecks(
      [
        { name: 'node', deploy: false, run: async () => ({ status: 'ok', summary: 'fine' }) },
        { name: 'port', deploy: false, run: async () => ({ status: 'warn', summary: 'busy', fix: 'stop it' }) },
        {
          name: 'docker',
          deploy: true,
          run: async () => ({ status: 'fail', summary: 'no daemon', fix: 'start it', details: ['Cannot connect'] }),
        },
        {
          name: 'boom',
          deploy: false,
          run: async () => {
            throw new Error('oops');
          },
        },
      ],
      context(),
    );
    expect(report).toMatchObject({ failed: true, deployWouldFail: true });
    expect(formatReport(report)).toBe(
      [
        '  ok    node    fine',
        '  warn  port    busy',
        '                fix: stop it',
        '  FAIL  docker  no daemon',
        '                  Cannot connect',
        '                fix: start it',
        '  FAIL  boom    the check itself failed: oops',
        '',
        '2 problems: a deploy would fail (docker). 1 warning.',
        '',
      ].join('\n'),
    );
    expect(deployFailureMessage(report)).toBe('no daemon: start it\n    Cannot connect\nthe check itself failed: oops');
  });
});
