import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build';
import { runCli } from './support/cli-process';
import { reportLine } from './support/doctor-report';
import { installFakeTools } from './support/fake-tools';
import { runCliInProcess } from './support/cli-in-process';
import { RedisServer } from './support/redis';
import { FakeSentinel } from './support/fake-sentinel';

// What the real tools print in the failures the Python predecessor's troubleshooting section describes.
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
const TLS_MISMATCH =
  'Get http://192.168.99.100:2376/v1.20/version: net/http: HTTP/1.x transport connection broken: malformed HTTP response "\\x15\\x03\\x01\\x00\\x02\\x02".\n' +
  '* Are you trying to connect to a TLS-enabled daemon without TLS?';
const NO_SOCKET_PERMISSION =
  'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info": dial unix /var/run/docker.sock: connect: permission denied';
const NOT_LOGGED_IN = 'Error: please login first';

/**
 * `doctor` and the checks `deploy` runs first, against fake `docker` and `qdoractl` that succeed or fail the way
 * the real ones do. Each failure mode runs in process (the real CliModule and Commander program); full runs and
 * `deploy` run the built binary.
 */
describe('qiniu-ufop doctor (fake docker and qdoractl)', () => {
  let tmp: string;
  let bin: string;
  let onlyNode: string;
  let project: string;

  beforeAll(async () => {
    await ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'ufop-doctor-'));
    bin = installFakeTools(tmp);
    // A PATH with node and nothing else (this machine has a real docker client on its PATH).
    onlyNode = join(tmp, 'only-node');
    mkdirSync(onlyNode);
    symlinkSync(process.execPath, join(onlyNode, 'node'));
    // The smallest folder a deploy works in: a package.json and a Dockerfile.
    project = join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"thumbs"}');
    writeFileSync(join(project, 'Dockerfile'), 'FROM scratch\n');
  }, 300_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const deployDoctor = (env: Record<string, string | undefined> = {}, path = `${bin}:${onlyNode}`) =>
    runCliInProcess(['doctor', '--deploy'], {
      cwd: project,
      env: { PATH: path, DOCKER_HOST: undefined, DOCKER_TLS_VERIFY: undefined, ...env },
    });

  describe('doctor --deploy, in process', () => {
    it('passes when docker reaches its daemon, qdoractl is logged in and the Dockerfile is there', async () => {
      const { stdout, error } = await deployDoctor();
      expect(error).toBeUndefined();
      expect(reportLine(stdout, 'docker')).toMatch(/^ {2}ok\s+docker\s+docker daemon reachable \(server 27\.3\.1\)$/);
      expect(reportLine(stdout, 'qdoractl')).toMatch(/^ {2}ok\s+qdoractl\s+qdoractl works/);
      expect(reportLine(stdout, 'dockerfile')).toMatch(/^ {2}ok\s+dockerfile\s+Dockerfile is there$/);
      expect(reportLine(stdout, 'dependencies')).toMatch(
        /^ {2}ok\s+dependencies\s+every dependency comes from a registry$/,
      );
      expect(stdout).toMatch(/\nNo problems found\.\n$/);
    });

    it('explains a daemon that is not running: start it, or point DOCKER_HOST at it', async () => {
      const { stdout, error } = await deployDoctor({ FAKE_FAIL: 'docker info', FAKE_FAIL_MESSAGE: NO_DAEMON });
      expect(error?.message).toBe('failed: docker; a deploy would fail (each with its fix above)');
      expect(reportLine(stdout, 'docker')).toMatch(
        /^ {2}FAIL\s+docker\s+docker is installed \(.*\) but its daemon is not reachable$/,
      );
      expect(stdout).toContain(NO_DAEMON);
      expect(stdout).toMatch(
        /fix: start the Docker daemon .*set DOCKER_HOST=tcp:\/\/127\.0\.0\.1:2375.*\(now: DOCKER_HOST is not set/,
      );
      expect(stdout).toContain('1 problem: a deploy would fail (docker).');
    });

    it('explains a TLS mismatch with the DOCKER_TLS_VERIFY and DOCKER_CERT_PATH settings in force', async () => {
      const { stdout, error } = await deployDoctor({
        FAKE_FAIL: 'docker info',
        FAKE_FAIL_MESSAGE: TLS_MISMATCH,
        DOCKER_HOST: 'tcp://192.168.99.100:2376',
      });
      expect(error).toBeDefined();
      expect(stdout).toMatch(
        /fix: the client and the daemon disagree about TLS: .*unset DOCKER_TLS_VERIFY.*DOCKER_CERT_PATH/,
      );
      expect(stdout).toContain('now: DOCKER_HOST=tcp://192.168.99.100:2376, DOCKER_TLS_VERIFY is not set');
    });

    it('explains a socket this user may not use', async () => {
      const { stdout } = await deployDoctor({ FAKE_FAIL: 'docker info', FAKE_FAIL_MESSAGE: NO_SOCKET_PERMISSION });
      expect(stdout).toMatch(/fix: this user may not use the Docker socket: add it to the docker group/);
    });

    it('explains a qdoractl that is not logged in, and still checks the rest', async () => {
      const { stdout, error } = await deployDoctor({ FAKE_FAIL: 'qdoractl list', FAKE_FAIL_MESSAGE: NOT_LOGGED_IN });
      expect(error?.message).toMatch(/^failed: qdoractl; a deploy would fail/);
      expect(reportLine(stdout, 'qdoractl')).toMatch(
        /FAIL\s+qdoractl\s+`qdoractl list` failed \(exit code 1\): qdoractl is not logged in or cannot reach Qiniu/,
      );
      expect(stdout).toContain(NOT_LOGGED_IN);
      expect(stdout).toMatch(/fix: .*qdoractl login -u <AccessKey> -p <SecretKey>.*not through sudo/);
      expect(reportLine(stdout, 'docker')).toMatch(/^ {2}ok/);
    });

    it('names missing tools and how to get them', async () => {
      const { stdout, error } = await deployDoctor({}, onlyNode);
      expect(error?.message).toBe('failed: docker, qdoractl; a deploy would fail (each with its fix above)');
      expect(reportLine(stdout, 'docker')).toMatch(/FAIL\s+docker\s+docker is not on PATH$/);
      expect(stdout).toContain('fix: install Docker (https://docs.docker.com/get-docker/)');
      expect(reportLine(stdout, 'qdoractl')).toMatch(/FAIL\s+qdoractl\s+qdoractl is not on PATH$/);
    });

    it('fails without a Dockerfile and says how to write one', async () => {
      const bare = join(tmp, 'bare');
      mkdirSync(bare, { recursive: true });
      writeFileSync(join(bare, 'package.json'), '{"name":"bare"}');
      const { stdout, error } = await runCliInProcess(['doctor', '--deploy'], {
        cwd: bare,
        env: { PATH: `${bin}:${onlyNode}` },
      });
      expect(error?.message).toMatch(/failed: dockerfile/);
      expect(stdout).toMatch(
        /FAIL\s+dockerfile\s+Dockerfile does not exist\n\s+fix: write one with `qiniu-ufop dockerfile -o docker\/Dockerfile`/,
      );
    });
  });

  describe('doctor --deploy and local dependencies', () => {
    it('fails a project that depends on a packed tarball the image cannot install, and passes once the Dockerfile copies it', async () => {
      const packed = join(tmp, 'packed');
      mkdirSync(join(packed, 'docker'), { recursive: true });
      writeFileSync(
        join(packed, 'package.json'),
        JSON.stringify({ name: 'packed', dependencies: { 'qiniu-ufop': 'file:vendor/qiniu-ufop-0.1.0.tgz' } }),
      );
      // doctor --deploy on the project, with this Dockerfile.
      const doctorWith = (dockerfile: string) => {
        writeFileSync(join(packed, 'docker', 'Dockerfile'), dockerfile);
        return runCliInProcess(['doctor', '--deploy'], { cwd: packed, env: { PATH: `${bin}:${onlyNode}` } });
      };
      const failing = await doctorWith('FROM node:20-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\n');
      expect(failing.error?.message).toMatch(/^failed: dependencies; a deploy would fail/);
      expect(reportLine(failing.stdout, 'dependencies')).toMatch(
        /FAIL\s+dependencies\s+qiniu-ufop comes from file:vendor\/qiniu-ufop-0\.1\.0\.tgz: the image's `npm ci` cannot install it$/,
      );
      expect(failing.stdout).toContain(
        'fix: once qiniu-ufop is on the npm registry, `npm install qiniu-ufop@^0.1.0`; until then, add `COPY vendor ./vendor` before each `RUN npm ci`',
      );

      const passing = await doctorWith(
        'FROM node:20-slim\nCOPY package.json package-lock.json ./\nCOPY vendor ./vendor\nRUN npm ci\n',
      );
      expect(passing.error).toBeUndefined();
      expect(reportLine(passing.stdout, 'dependencies')).toMatch(
        /ok\s+dependencies\s+local dependencies are copied into the image \(qiniu-ufop\)/,
      );
    });
  });

  describe('doctor, the built binary in this repository (the sample is the project)', () => {
    it('passes, listing the handlers, when everything is in order', async () => {
      const result = await runCli(['doctor'], {
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          REDIS_URL: undefined,
          PORT: '0',
          CPU_COUNT: undefined,
          FLAVOR: undefined,
        },
      });
      const out = result.stdout.toString();
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const check of [
        'node',
        'build',
        'handlers',
        'port',
        'cpu',
        'docker',
        'qdoractl',
        'dockerfile',
        'dependencies',
      ]) {
        expect(reportLine(out, check)).toMatch(/^ {2}ok\s/);
      }
      expect(reportLine(out, 'redis')).toMatch(/^ {2}skip\s+redis\s+REDIS_URL is not set/);
      expect(reportLine(out, 'handoff')).toMatch(/^ {2}skip\s+handoff\s+inline mode: no handoff folder/);
      expect(out).toMatch(
        /ok\s+handlers\s+4 handlers discovered\n\s+thumb\/:width\/:height\?\s+→\s+ThumbHandler\.thumb\(\)/,
      );
      expect(out).toContain('hello/:name?  →  DemoHandler.hello()');
      expect(out).toMatch(/\nNo problems found\.\n$/);
    }, 120_000);

    it('exits 1 and explains each problem when Redis is down and the tools fail', async () => {
      const result = await runCli(['doctor', '--no-build'], {
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          FAKE_FAIL: 'docker info,qdoractl list',
          FAKE_FAIL_MESSAGE: NO_DAEMON,
          REDIS_URL: 'redis://127.0.0.1:1',
          CPU_COUNT: '8',
          FLAVOR: 'C2M4',
          // Port 0: whatever else listens on 9100 on this machine (a developer's start:dev) must not add a warning.
          PORT: '0',
        },
      });
      const out = result.stdout.toString();
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'qiniu-ufop: failed: redis, docker, qdoractl; a deploy would fail (each with its fix above)\n',
      );
      expect(reportLine(out, 'build')).toBe('');
      expect(reportLine(out, 'redis')).toMatch(
        /FAIL\s+redis\s+Redis does not answer at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/,
      );
      expect(reportLine(out, 'cpu')).toMatch(/warn\s+cpu\s+CPU_COUNT=8 is more than the 2 cores of FLAVOR=C2M4/);
      expect(out).toContain('3 problems: a deploy would fail (docker, qdoractl). 1 warning.');
    }, 60_000);
  });

  it('fails the redis check when REDIS_URL is a Cluster node or a replica, and warns when that Redis may evict keys', async () => {
    // Each answers PING like any Redis: the queue's scripts would fail with MOVED or CROSSSLOT on the Cluster node and
    // READONLY on the replica once jobs came, and the evicting one would lose jobs when full.
    const dir = mkdtempSync(join(tmp, 'redis-'));
    const node = await RedisServer.start(undefined, undefined, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(tmp, `nodes-${process.pid}.conf`),
    ]);
    const plain = await RedisServer.start(undefined, undefined, ['--dir', dir]);
    const replica = await RedisServer.start(undefined, undefined, [
      '--dir',
      dir,
      '--replicaof',
      '127.0.0.1',
      `${plain.port}`,
    ]);
    const evicting = await RedisServer.start(undefined, undefined, [
      '--maxmemory',
      '64mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    try {
      const doctor = (redis: Record<string, string | undefined>) =>
        runCli(['doctor', '--no-build'], {
          env: { PATH: `${bin}:${process.env.PATH}`, CPU_COUNT: '2', PORT: '0', ...redis },
        });
      const [clustered, standalone, copy, evicts] = await Promise.all(
        [node, plain, replica, evicting].map((server) => doctor({ REDIS_URL: server.url })),
      );
      // The same Redis as the master a sentinel names: the queue writes to it all the same.
      const sentinel = await FakeSentinel.start({ host: '127.0.0.1', port: evicting.port });
      const underSentinel = await doctor({
        REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
        REDIS_URL: undefined,
      }).finally(() => sentinel.close());
      expect(reportLine(underSentinel.stdout.toString(), 'redis')).toMatch(
        new RegExp(
          `warn\\s+redis\\s+Redis answers at 127\\.0\\.0\\.1:${evicting.port}, the master "mymaster" .*, but with maxmemory-policy allkeys-lru it may evict`,
        ),
      );
      expect(reportLine(clustered.stdout.toString(), 'redis')).toMatch(
        new RegExp(
          `FAIL\\s+redis\\s+redis://127\\.0\\.0\\.1:${node.port} is a node of a Redis Cluster, which qiniu-ufop does not support`,
        ),
      );
      expect(clustered.stdout.toString()).toContain('point REDIS_URL at a standalone Redis, or use Sentinel');
      expect(clustered.code).toBe(1);
      expect(reportLine(copy.stdout.toString(), 'redis')).toMatch(
        new RegExp(`FAIL\\s+redis\\s+redis://127\\.0\\.0\\.1:${replica.port} is a read-only replica`),
      );
      expect(copy.stdout.toString()).toContain('fix: point REDIS_URL at its master');
      expect(copy.code).toBe(1);
      expect(reportLine(evicts.stdout.toString(), 'redis')).toMatch(
        new RegExp(
          `warn\\s+redis\\s+Redis answers at redis://127\\.0\\.0\\.1:${evicting.port}, but with maxmemory-policy allkeys-lru it may evict`,
        ),
      );
      expect(evicts.stdout.toString()).toContain('fix: set maxmemory-policy noeviction');
      expect(reportLine(standalone.stdout.toString(), 'redis')).toMatch(
        new RegExp(`^ {2}ok\\s+redis\\s+Redis answers at redis://127\\.0\\.0\\.1:${plain.port}$`),
      );
    } finally {
      await Promise.all([node.stop(), replica.stop(), plain.stop(), evicting.stop()]);
    }
  }, 120_000);

  describe('deploy runs the deploy checks first', () => {
    it("stops with the doctor's explanation before writing or running anything", async () => {
      const log = join(tmp, 'deploy-calls.jsonl');
      const configDir = mkdtempSync(join(tmp, 'config-'));
      const result = await runCli(['deploy', '-t', 'thumbs:1', '-n', 'thumbs', '-v', '1', '--config-dir', configDir], {
        cwd: project,
        env: {
          PATH: `${bin}:${onlyNode}`,
          FAKE_TOOLS_LOG: log,
          FAKE_FAIL: 'docker info',
          FAKE_FAIL_MESSAGE: NO_DAEMON,
          DOCKER_HOST: undefined,
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^qiniu-ufop: docker is installed \(.*\) but its daemon is not reachable: start the Docker daemon/,
      );
      expect(result.stderr).toContain(`    ${NO_DAEMON}`);
      expect(result.stderr).toContain('(`qiniu-ufop doctor` checks everything; nothing was written or run)');
      expect(existsSync(join(configDir, 'dora.yaml'))).toBe(false);
      const calls = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text));
      expect(calls.map((call) => `${call.tool} ${call.args[0]}`)).toEqual(['docker info', 'qdoractl list']);
    });
  });
});
