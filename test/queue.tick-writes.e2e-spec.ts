import type { Redis as RedisClient } from 'ioredis';
import type { Duplex } from 'node:stream';
import { bullIoredis } from '../src/queue/bull-ioredis';
import { batchWritesPerTick } from '../src/queue/tick-writes';
import { deleteKeysUnder, uniquePrefix, useTestRedis, TestRedis } from './support/redis';
import { countWrites } from './support/socket-writes';

// Queue mode's Redis connections send the commands of one turn of the event loop in one write (instead of
// ioredis's auto-pipelining): checked on a real Redis by counting what reaches the socket's own write calls.
const { Redis } = bullIoredis();

const streamOf = (client: RedisClient) => (client as unknown as { stream: Duplex }).stream;

describe('Redis commands of one turn leave in one write (batchWritesPerTick)', () => {
  let redis: TestRedis;
  let prefix: string;
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    redis = await useTestRedis();
    prefix = uniquePrefix('tick-writes');
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(() => redis.close());

  /** A client connected and ready, disconnected after the test. */
  async function readyClient(): Promise<RedisClient> {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  }

  /** Twenty commands issued in one turn; their replies, each to its own command. */
  async function twentyCommands(client: RedisClient): Promise<void> {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? client.set(`${prefix}:${i}`, String(i)) : client.incrby(`${prefix}:n`, i),
      ),
    );
    expect(replies.filter((reply) => reply === 'OK')).toHaveLength(10);
    expect(replies.filter((reply) => typeof reply === 'number')).toEqual([0, 2, 6, 12, 20, 30, 42, 56, 72, 90]);
    expect(await client.get(`${prefix}:19`)).toBe('19');
  }

  it('writes once per turn, not once per command, and every reply reaches its command', async () => {
    const [plain, batched] = [await readyClient(), await readyClient()];
    batchWritesPerTick(batched);
    const plainWrites = countWrites(streamOf(plain));
    const batchedWrites = countWrites(streamOf(batched));

    await twentyCommands(plain);
    await deleteKeysUnder(redis.url, prefix);
    await twentyCommands(batched);
    // The twenty commands, then the GET of the next turn.
    expect(plainWrites.writes).toBe(21);
    expect(batchedWrites.writes).toBe(2);
  });

  it('keeps doing so on the socket of a new connection, and is applied once however often it is asked', async () => {
    const client = await readyClient();
    batchWritesPerTick(client);
    const wrapped = streamOf(client).write;
    batchWritesPerTick(client);
    expect(streamOf(client).write).toBe(wrapped);
    const first = streamOf(client);
    client.disconnect(true); // reconnects, on a new socket
    await new Promise((resolve) => client.once('ready', resolve));
    expect(streamOf(client)).not.toBe(first);
    const writes = countWrites(streamOf(client));
    await twentyCommands(client);
    expect(writes.writes).toBe(2);
  });

  it('does not hold a command behind a blocking one of the same turn: each reply comes when Redis sends it', async () => {
    // A worker's job slots each wait on BRPOPLPUSH on one connection; ioredis's auto-pipelining would resolve the
    // first wait only once every wait of its batch had an answer.
    const [blocking, other] = [await readyClient(), await readyClient()];
    batchWritesPerTick(blocking);
    const writes = countWrites(streamOf(blocking));
    const [from, to] = [`${prefix}:wait`, `${prefix}:active`];
    const first = blocking.brpoplpush(from, to, 5);
    const second = blocking.brpoplpush(from, to, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.lpush(from, 'job-1');
    const started = Date.now();
    expect(await first).toBe('job-1');
    expect(Date.now() - started).toBeLessThan(1000);
    await other.lpush(from, 'job-2');
    expect(await second).toBe('job-2');
    expect(writes.writes).toBe(1); // both waits left in one write
  });
});
