import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build';
import { patternHash, patternStream, peakRssMiB, postBody, PostResult, SampleProcess } from './support/large-body';
import { empty, eventually } from './support/eventually';
import { RedisServer } from './support/redis';

const MiB = 1024 * 1024;
/** The smallest Qiniu instance has 1 GiB; the bound for one process (and for Redis) is 400 MiB. */
const RSS_BOUND_MIB = 400;

jest.setTimeout(240_000);

/** The temp folder the sample is told to use: the test checks it is empty after every request has ended. */
function tempFolder(): { dir: string; files(): string[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ufop-bounded-'));
  return {
    dir,
    files: () => {
      try {
        return readdirSync(join(dir, 'qiniu-ufop'));
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** 40 concurrent uploads of the same 20 MB: every answer is the bytes back, or a 503 with Retry-After. */
async function burst(baseUrl: string): Promise<{ ok: number; refused: number; others: PostResult[] }> {
  const body = randomBytes(20 * 1000 * 1000);
  const expected = createHash('sha256').update(body).digest('hex');
  const results = await Promise.all(Array.from({ length: 40 }, () => postBody(baseUrl, 'cmd=demo/echo', body)));
  let ok = 0;
  let refused = 0;
  const others: PostResult[] = [];
  for (const result of results) {
    if (result.status === 200 && result.hash === expected && !result.error) ok++;
    else if (
      result.status === 503 &&
      Number(result.headers['retry-after']) > 0 &&
      /too busy/.test(result.head) &&
      !result.error
    )
      refused++;
    else others.push(result);
  }
  return { ok, refused, others };
}

describe('bounded resources: a burst of large uploads stays within a C1M1 instance', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  describe('inline mode, FLAVOR=C1M1 and nothing else', () => {
    const temp = tempFolder();
    let sample: SampleProcess;

    beforeAll(async () => {
      sample = await SampleProcess.start({ FLAVOR: 'C1M1', UFOP_TMP_DIR: temp.dir });
    });
    afterAll(async () => {
      await sample?.stop();
      temp.remove();
    });

    it('40 × 20 MB at once: each is echoed byte-exact or refused with 503 + Retry-After, none reset, RSS under 400 MiB', async () => {
      const { ok, refused, others } = await burst(sample.baseUrl);
      expect(others.map((r) => ({ status: r.status, error: r.error, head: r.head.slice(0, 200) }))).toEqual([]);
      expect(ok + refused).toBe(40);
      expect(ok).toBeGreaterThan(0);
      expect(peakRssMiB(sample.pid)).toBeLessThan(RSS_BOUND_MIB);
      const after = await postBody(sample.baseUrl, 'cmd=demo/hello/after', Buffer.alloc(0));
      expect(after.status).toBe(200);
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
    });
  });

  describe('inline mode, 200 MB inputs (UFOP_MAX_BODY_BYTES raised)', () => {
    const temp = tempFolder();
    let sample: SampleProcess;
    let source: Server;
    const SIZE = 200 * MiB;

    beforeAll(async () => {
      sample = await SampleProcess.start({
        FLAVOR: 'C1M1',
        UFOP_TMP_DIR: temp.dir,
        UFOP_MAX_BODY_BYTES: String(256 * MiB),
        UFOP_ALLOW_PRIVATE_URLS: 'true',
        UFOP_FETCH_TIMEOUT_MS: '120000',
      });
      // A source of 200 MB, generated as it is sent.
      source = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SIZE });
        patternStream(SIZE).pipe(res);
      });
      await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await sample?.stop();
      await new Promise((resolve) => source?.close(resolve));
      temp.remove();
    });

    it('3 × 200 MB uploads at once come back byte-exact with RSS under 400 MiB', async () => {
      const expected = await patternHash(SIZE);
      const results = await Promise.all(
        [1, 2, 3].map(() => postBody(sample.baseUrl, 'cmd=demo/echo', { stream: patternStream(SIZE), size: SIZE })),
      );
      expect(results.map((r) => [r.status, r.error, r.size])).toEqual([1, 2, 3].map(() => [200, undefined, SIZE]));
      expect(results.every((r) => r.hash === expected)).toBe(true);
      expect(peakRssMiB(sample.pid)).toBeLessThan(RSS_BOUND_MIB);
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
    });

    it('a 200 MB url source comes back byte-exact with RSS under 400 MiB', async () => {
      const { port } = source.address() as AddressInfo;
      const url = encodeURIComponent(`http://127.0.0.1:${port}/big.mp4`);
      const result = await postBody(sample.baseUrl, `cmd=demo/echo&url=${url}`, Buffer.alloc(0));
      expect([result.status, result.error, result.size, result.headers['content-type']]).toEqual([
        200,
        undefined,
        SIZE,
        'video/mp4',
      ]);
      expect(result.hash).toBe(await patternHash(SIZE));
      expect(peakRssMiB(sample.pid)).toBeLessThan(RSS_BOUND_MIB);
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
    });

    it('leaves no temp file when the client gives up mid-upload, or when the handler throws', async () => {
      // Gives up: declares 200 MB, sends 30 MB, then closes the connection.
      await new Promise<void>((resolve) => {
        const req = httpRequest(new URL('/handler?cmd=demo/echo', sample.baseUrl), {
          method: 'POST',
          headers: { 'content-length': String(SIZE) },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        const stream = patternStream(30 * MiB);
        stream.pipe(req, { end: false });
        stream.on('end', () => setTimeout(() => req.destroy(), 200));
      });
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
      // Throws: 30 MB that are not an image, spilled to disk, then refused by sharp.
      const thrown = await postBody(sample.baseUrl, 'cmd=demo/thumb/100', {
        stream: patternStream(30 * MiB),
        size: 30 * MiB,
      });
      expect(thrown.status).toBe(400);
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
      expect((await postBody(sample.baseUrl, 'cmd=demo/hello/still', Buffer.alloc(0))).status).toBe(200);
    });
  });

  describe('queue mode, FLAVOR=C1M1, its own Redis', () => {
    const temp = tempFolder();
    let redis: RedisServer;
    let sample: SampleProcess;

    beforeAll(async () => {
      redis = await RedisServer.start();
      sample = await SampleProcess.start({
        FLAVOR: 'C1M1',
        UFOP_TMP_DIR: temp.dir,
        REDIS_URL: redis.url,
        UFOP_ROLE: 'all',
      });
    });
    afterAll(async () => {
      await sample?.stop();
      await redis?.stop();
      temp.remove();
    });

    it('40 × 20 MB at once: byte-exact or 503 + Retry-After; the process and Redis stay under 400 MiB; no blob left', async () => {
      const { ok, refused, others } = await burst(sample.baseUrl);
      expect(others.map((r) => ({ status: r.status, error: r.error, head: r.head.slice(0, 200) }))).toEqual([]);
      expect(ok + refused).toBe(40);
      expect(ok).toBeGreaterThan(0);
      expect(peakRssMiB(sample.pid)).toBeLessThan(RSS_BOUND_MIB);
      expect(peakRssMiB(redis.pid!)).toBeLessThan(RSS_BOUND_MIB);
      const after = await postBody(sample.baseUrl, 'cmd=demo/hello/after', Buffer.alloc(0));
      expect(after.status).toBe(200);
      expect(await eventually(() => temp.files(), empty)).toEqual([]);
      expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    });

    it('a 100 MB input travels to the worker and back in pieces, byte-exact, under 400 MiB', async () => {
      const size = 100 * MiB;
      const large = await SampleProcess.start({
        FLAVOR: 'C1M1',
        UFOP_TMP_DIR: temp.dir,
        REDIS_URL: redis.url,
        UFOP_ROLE: 'all',
        UFOP_MAX_BODY_BYTES: String(128 * MiB),
      });
      try {
        const result = await postBody(large.baseUrl, 'cmd=demo/echo', { stream: patternStream(size), size });
        expect([result.status, result.error, result.size]).toEqual([200, undefined, size]);
        expect(result.hash).toBe(await patternHash(size));
        expect(peakRssMiB(large.pid)).toBeLessThan(RSS_BOUND_MIB);
        expect(await eventually(() => temp.files(), empty)).toEqual([]);
        expect(await redis.keysLeft('*:blob:*')).toEqual([]);
      } finally {
        await large.stop();
      }
    });
  });
});
