import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisServer, uniquePrefix } from './support/redis';
import { runCli } from './support/cli-process';
import { reportDetails, reportLine } from './support/doctor-report';
import { empty, eventually } from './support/eventually';
import { callHandler, health, UfopProcess } from './support/ufop-process';

const MiB = 1024 * 1024;

/**
 * Queue mode on a Redis of this machine reached over its Unix socket (`REDIS_URL=unix:///path?db=N`): Bull's
 * connections and the blob connections all go there, in the database the URL names, and every way bytes travel
 * (in the job, as a blob in memory, in pieces from and to temp files) comes back exact.
 */
describe('queue mode over a Unix socket', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ufop-unix-'));
  const socket = join(folder, 'redis.sock');
  const prefix = uniquePrefix('unix');
  let redis: RedisServer;
  let web: UfopProcess;
  let worker: UfopProcess;

  beforeAll(async () => {
    redis = await RedisServer.start(undefined, socket);
    const env = { REDIS_URL: `unix://${socket}?db=5`, UFOP_QUEUE_PREFIX: prefix, UFOP_HANDLER_TIMEOUT_MS: '60000' };
    [web, worker] = await Promise.all([
      UfopProcess.start({ ...env, UFOP_ROLE: 'web' }),
      UfopProcess.start({ ...env, UFOP_ROLE: 'worker' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([web, worker].filter(Boolean).map((p) => p.kill()));
    await redis?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('echoes bodies of every path byte for byte, all connections on the socket, nothing left behind', async () => {
    // 1 KiB rides in the job; 300 KiB and 3 MiB go as blobs in memory; 12 MiB is past UFOP_SPILL_BYTES (8 MiB), so
    // it goes up from a temp file and comes back in pieces.
    for (const size of [1024, 300 * 1024, 3 * MiB, 12 * MiB]) {
      const body = randomBytes(size);
      const answer = await callHandler(web.baseUrl, 'demo/echo', body);
      expect({ size, status: answer.status, sha: sha256(answer.body) }).toEqual({
        size,
        status: 200,
        sha: sha256(body),
      });
    }
    expect((await health(web.baseUrl)).status).toBe(200);
    expect(web.output).toMatch(/on the Unix socket .*redis\.sock \(database 5\)/);

    const client = new Redis({ path: socket, db: 5 });
    try {
      // Every connection of both processes, blob connections included, came over the socket: none over TCP.
      const clients = (await client.client('LIST')) as string;
      const ours = clients
        .split('\n')
        .filter((line) => / name=ufop-(web|worker)-/.test(line))
        .map((line) => ({
          name: /name=(\S+)/.exec(line)![1],
          addr: /addr=(\S+)/.exec(line)![1],
          db: /db=(\d+)/.exec(line)![1],
        }));
      expect(ours.some(({ name }) => name.includes('-blob-'))).toBe(true);
      for (const connection of ours) expect(connection).toMatchObject({ addr: expect.stringMatching(/^\//) });
      // The queue lives in database 5; no blob is left once every answer has been read (the last DEL may reach Redis
      // just after its answer reached us: a few reads apart).
      const blobs = async () => (await client.keys(`${prefix}:*`)).filter((key) => key.includes(':blob:'));
      expect((await client.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
      expect(await eventually(blobs, empty)).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 120_000);
});

describe('doctor on a Unix socket', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ufop-unix-doctor-'));
  const socket = join(folder, 'redis.sock');
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await RedisServer.start(undefined, socket);
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const doctor = async (url: string) =>
    (await runCli(['doctor', '--no-build'], { env: { REDIS_URL: url, PORT: '0' } })).stdout.toString();
  const redisLine = async (url: string) => reportLine(await doctor(url), 'redis');

  it('says Redis answers there, or names the path when nothing listens on it', async () => {
    expect(await redisLine(`unix://${socket}?db=5`)).toMatch(
      /ok\s+redis\s+Redis answers at the Unix socket \S+redis\.sock \(database 5\)/,
    );
    expect(await redisLine(join(folder, 'none.sock'))).toMatch(
      /FAIL\s+redis\s+Redis does not answer at the Unix socket \S+none\.sock: connect ENOENT/,
    );
  }, 60_000);

  it("gives the sysctl that lets a large body cross at once when this machine's socket buffers are small", async () => {
    const wmem = Number(readFileSync('/proc/sys/net/core/wmem_default', 'utf8'));
    const under = reportDetails(await doctor(`unix://${socket}`), 'redis').join(' ');
    if (wmem < 4 * 1024 * 1024) {
      expect(under).toContain(`net.core.wmem_default is ${wmem} bytes`);
      expect(under).toContain('sysctl -w net.core.wmem_default=4194304');
    } else {
      expect(under).not.toContain('wmem_default');
    }
  }, 60_000);
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
