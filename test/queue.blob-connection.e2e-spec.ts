import { randomBytes } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import { bullIoredis } from '../src/queue/bull-ioredis';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BLOB_PIECE_BYTES, RedisBlobStore } from '../src/queue/redis-blob.store';
import { RespBlobConnection } from '../src/queue/resp-blob.connection';
import { RespErrorReply } from '../src/queue/resp-reply.parser';
import { countWrites } from './support/socket-writes';
import { deleteKeysUnder, RedisServer, startRedisServer, uniquePrefix, useTestRedis, TestRedis } from './support/redis';

// The blob connection of queue mode against a real Redis: bytes in and out exactly, in order under load, on the
// Bull client's server, database and credentials, and what happens when its connection is lost.
const { Redis } = bullIoredis();

async function readyClient(url: string, options: Record<string, unknown> = {}): Promise<RedisClient> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectionName: 'ufop-test', ...options });
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

/** The id of the blob connection for writes in CLIENT LIST, if it is connected. */
async function blobClientId(client: RedisClient): Promise<string | undefined> {
  const list = (await client.client('LIST')) as string;
  return /id=(\d+) [^\n]*name=ufop-test-blob-writes/.exec(list)?.[1];
}

describe('the blob connection (RESP over its own socket)', () => {
  let redis: TestRedis;
  let client: RedisClient;
  let prefix: string;

  beforeAll(async () => {
    redis = await useTestRedis();
    prefix = uniquePrefix('blobs');
  });
  beforeEach(async () => {
    client = await readyClient(redis.url);
  });
  afterEach(async () => {
    client.disconnect();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(() => redis.close());

  it('stores and reads values of every size exactly, many in flight at once, replies in order', async () => {
    const store = new RedisBlobStore(client, 60_000);
    const sizes = [0, 1, 2, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024, 3 * 1024 * 1024 + 7];
    const values = sizes.map((size) => randomBytes(size));
    // Writes and reads of all sizes interleaved on one socket: each reply must go to its own command.
    await Promise.all(values.map((value, i) => store.put(`${prefix}:${i}`, value)));
    for (let round = 0; round < 3; round++) {
      const read = await Promise.all(values.map((_, i) => store.get(`${prefix}:${i}`)));
      read.forEach((bytes, i) => expect(Buffer.compare(bytes!, values[i])).toBe(0));
    }
    // ioredis sees the same bytes: the values are plain Redis strings.
    expect(Buffer.compare((await client.getBuffer(`${prefix}:6`))!, values[6])).toBe(0);
    expect(await client.pttl(`${prefix}:6`)).toBeGreaterThan(50_000);
    // A missing value is null; `take` reads and deletes in one round trip.
    expect(await store.get(`${prefix}:missing`)).toBeNull();
    await client.set(`${prefix}:other`, 'x');
    expect(Buffer.compare((await store.take(`${prefix}:6`, [`${prefix}:other`]))!, values[6])).toBe(0);
    expect(await client.exists(`${prefix}:6`, `${prefix}:other`)).toBe(0);
  });

  it('writes a stream up piece by piece and reads it back as one, byte for byte', async () => {
    const store = new RedisBlobStore(client, 60_000);
    const value = randomBytes(3 * BLOB_PIECE_BYTES + 12_345);
    // Pieces of odd sizes: the store gathers them into pieces of its own (SET, then APPEND).
    const pieces = [value.subarray(0, 100), value.subarray(100, 2_500_000), value.subarray(2_500_000)];
    expect(await store.putStream(`${prefix}:s`, Readable.from(pieces))).toBe(value.length);
    expect(await client.strlen(`${prefix}:s`)).toBe(value.length);
    const read = await buffer(store.stream(`${prefix}:s`, value.length)); // GETRANGE, piece by piece
    expect(Buffer.compare(read, value)).toBe(0);
    await client.del(`${prefix}:s`);
    await expect(buffer(store.stream(`${prefix}:s`, value.length))).rejects.toThrow(/expired before it was read/);
  });

  it('publishes after the SET, so a subscriber that hears the message finds the value', async () => {
    const store = new RedisBlobStore(client, 60_000);
    const subscriber = await readyClient(redis.url);
    const channel = `${prefix}:reply`;
    const found: boolean[] = [];
    subscriber.on('message', (_channel: string, key: string) => {
      void client.getBuffer(key).then((value) => found.push(value?.length === 256 * 1024));
    });
    await subscriber.subscribe(channel);
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.putThenPublish(`${prefix}:p${i}`, randomBytes(256 * 1024), channel, `${prefix}:p${i}`),
        ),
      );
      const deadline = Date.now() + 5000;
      while (found.length < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(found).toEqual(Array(20).fill(true));
    } finally {
      subscriber.disconnect();
    }
  });

  it('sends the commands of one turn in one write: a value, its header and the PUBLISH after it', async () => {
    const store = new RedisBlobStore(client, 60_000);
    await store.put(`${prefix}:open`, Buffer.from('x')); // opens the socket
    const socket = (RespBlobConnection.of(client, 'writes') as unknown as { socket: Socket }).socket;
    const writes = countWrites(socket);
    const values = [randomBytes(1024 * 1024), randomBytes(10)];
    await Promise.all([
      store.putThenPublish(`${prefix}:w0`, values[0], `${prefix}:nobody`, 'w0'),
      store.put(`${prefix}:w1`, values[1]),
    ]);
    expect(writes.writes).toBe(1);
    expect(Buffer.compare((await client.getBuffer(`${prefix}:w0`))!, values[0])).toBe(0);
    expect(Buffer.compare((await client.getBuffer(`${prefix}:w1`))!, values[1])).toBe(0);
  });

  it("answers a Redis error as that command's error, and the connection carries on", async () => {
    const store = new RedisBlobStore(client, 60_000);
    await client.rpush(`${prefix}:list`, 'a');
    await expect(store.get(`${prefix}:list`)).rejects.toThrow(RespErrorReply);
    await expect(store.get(`${prefix}:list`)).rejects.toThrow(/WRONGTYPE/);
    await store.put(`${prefix}:after`, Buffer.from('fine'));
    expect((await store.get(`${prefix}:after`))!.toString()).toBe('fine');
  });

  it('fails the commands waiting on a lost connection, and the next command opens a new one', async () => {
    const store = new RedisBlobStore(client, 60_000);
    await store.put(`${prefix}:k`, randomBytes(10));
    const id = await blobClientId(client);
    expect(id).toBeDefined();
    // The server blocks this connection's next command, then the connection is killed under it.
    await client.set(`${prefix}:big`, randomBytes(1024));
    const connection = RespBlobConnection.of(client, 'writes');
    const blocked = connection.send(['BLPOP', `${prefix}:never`, '0']);
    blocked.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.client('KILL', 'ID', id!);
    await expect(blocked).rejects.toThrow(/closed|ECONNRESET/);
    await store.put(`${prefix}:k`, randomBytes(10));
    expect((await store.get(`${prefix}:big`))!.length).toBe(1024);
    const reopened = await blobClientId(client);
    expect(reopened).toBeDefined();
    expect(reopened).not.toBe(id);
    // Reads and writes go on two connections: a SET's reply never waits behind the bytes of a GET.
    expect(((await client.client('LIST')) as string).match(/name=ufop-test-blob-(reads|writes)/g)?.sort()).toEqual([
      'name=ufop-test-blob-reads',
      'name=ufop-test-blob-writes',
    ]);
  });

  it('refuses at once while its Bull client is not connected, and closes for good with it', async () => {
    const store = new RedisBlobStore(client, 60_000);
    const lazy = new Redis(redis.url, { lazyConnect: true, connectionName: 'ufop-test' });
    await expect(new RedisBlobStore(lazy, 60_000).get(`${prefix}:x`)).rejects.toThrow(/not connected/);
    lazy.disconnect();
    await store.put(`${prefix}:x`, Buffer.from('x'));
    await client.quit();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(store.get(`${prefix}:x`)).rejects.toThrow(/closed/);
  });
});

describe('the blob connection on a Redis with a password and a database number', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
    const admin = await readyClient(server.url);
    await admin.config('SET', 'requirepass', 'blob-secret');
    admin.disconnect();
  });
  afterAll(() => server.stop());

  it("uses its Bull client's credentials and database", async () => {
    const client = await readyClient(`redis://:blob-secret@127.0.0.1:${server.port}/5`);
    try {
      const value = randomBytes(100_000);
      await new RedisBlobStore(client, 60_000).put('in-db-5', value);
      expect(Buffer.compare((await client.getBuffer('in-db-5'))!, value)).toBe(0);
      await client.select(0);
      expect(await client.exists('in-db-5')).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});
