import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { endQueueTest, TestRedis, uniquePrefix, useTestRedis } from './support/redis';
import { UfopProcess } from './support/ufop-process';

const MiB = 1024 * 1024;

/**
 * The web tier reuses the buffers of inputs and outputs (`BufferPool`): an input's once Redis has it, an output's
 * once the response is in the kernel. A buffer given back too early would carry another request's bytes to a
 * client. Here clients that read slowly (their response cannot leave the server's memory at once) share one size
 * class with fast ones that churn the pool meanwhile: every answer must still be exactly its own body.
 */
describe('queue mode reuses input and output buffers without mixing requests', () => {
  let redis: TestRedis;
  let prefix: string;
  let web: UfopProcess;
  let worker: UfopProcess;

  beforeAll(async () => {
    redis = await useTestRedis();
    prefix = uniquePrefix('reuse');
    const env = { REDIS_URL: redis.url, UFOP_QUEUE_PREFIX: prefix, UFOP_HANDLER_TIMEOUT_MS: '60000' };
    [web, worker] = await Promise.all([
      UfopProcess.start({ ...env, UFOP_ROLE: 'web' }),
      UfopProcess.start({ ...env, UFOP_ROLE: 'worker', UFOP_CONCURRENCY: '4' }),
    ]);
  }, 120_000);

  afterAll(() => endQueueTest(redis, [prefix], [web, worker]));

  it('slow and fast clients of one size class each get their own bytes back', async () => {
    // 7.5–8 MiB: the largest class, at most UFOP_SPILL_BYTES (so in memory), and more than the kernel's socket
    // buffers take (up to 4 MiB for the sender here) for a client that is not reading.
    const bodies = Array.from({ length: 24 }, (_, i) => randomBytes(8 * MiB - i * 20_000));
    const results: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < bodies.length) {
        const i = next++;
        const answer = await echo(web.port!, bodies[i], i % 3 === 0 ? 400 : 0);
        results[i] = answer.status === 200 && sha256(answer.body) === sha256(bodies[i]) ? 'exact' : `${answer.status}`;
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect(results).toEqual(bodies.map(() => 'exact'));
  }, 120_000);
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** POSTs `body` to demo/echo over a socket of its own that reads nothing for `stallMs` once the request is sent. */
function echo(port: number, body: Buffer, stallMs: number): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headEnd = raw.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(raw.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0);
      resolve({ status, body: raw.subarray(headEnd + 4) });
    });
    const head =
      `POST /handler?cmd=demo/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    socket.write(head);
    socket.write(body, () => {
      if (stallMs === 0) return;
      socket.pause();
      setTimeout(() => socket.resume(), stallMs);
    });
  });
}
