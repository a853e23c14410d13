import type { Redis } from 'ioredis';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { withKnownSize } from '../output/sized-stream';
import { Allocate, RespBlobConnection } from './resp-blob.connection';
import { RespErrorReply, RespReply } from './resp-reply.parser';
import { BLOB_TTL_MARGIN_MS } from './ufop-queue.constants';

/** Large blobs move through Redis in pieces of this size: no Node process holds one whole, and no command is huge. */
export const BLOB_PIECE_BYTES = 1024 * 1024;

/**
 * Binary values in Redis for queue mode's inputs and outputs, on the client's blob connections (`RespBlobConnection`),
 * which neither copy nor chunk them. Those held whole in memory are one SET and one GET. Large ones (a
 * spilled input, a streamed result) are written piece by piece (SET, then APPEND) from a stream, and read piece by
 * piece (GETRANGE) into a stream or a file, so that a 200 MB input never sits whole in the memory of the web
 * process or the worker. The bytes do sit whole in Redis, which is why the web process counts them against its
 * budget (`UFOP_MAX_INFLIGHT_BYTES`).
 */
export class RedisBlobStore {
  private static readonly perClient = new WeakMap<Redis, RedisBlobStore>();
  private readonly writes: RespBlobConnection;
  private readonly reads: RespBlobConnection;

  constructor(
    client: Redis,
    private readonly ttlMs: number,
  ) {
    this.writes = RespBlobConnection.of(client, 'writes');
    this.reads = RespBlobConnection.of(client, 'reads');
  }

  /**
   * The store of a queue's Redis client, one per client (the web and worker sides of one process share it): blobs
   * live as long as a handler may run (`UFOP_HANDLER_TIMEOUT_MS`) and a margin, so a request that ended without
   * deleting its blobs leaves nothing for long.
   */
  static of(client: Redis, handlerTimeoutMs: number): RedisBlobStore {
    let store = RedisBlobStore.perClient.get(client);
    if (!store) {
      store = new RedisBlobStore(client, handlerTimeoutMs + BLOB_TTL_MARGIN_MS);
      RedisBlobStore.perClient.set(client, store);
    }
    return store;
  }

  /** Stores a value held in memory; resolves once Redis has it. */
  async put(key: string, value: Buffer): Promise<void> {
    check(await this.writes.send(['SET', key, value, 'PX', this.ttlMs]));
  }

  /**
   * Stores a value, then publishes a message on the same connection: whoever hears the message finds the value,
   * without waiting for the SET's reply first. Resolves once Redis has run both.
   */
  async putThenPublish(key: string, value: Buffer, channel: string, message: string): Promise<void> {
    const replies = await this.writes.sendAll([
      ['SET', key, value, 'PX', this.ttlMs],
      ['PUBLISH', channel, message],
    ]);
    replies.forEach(check);
  }

  /** A stored value, or null when there is none (expired, deleted, never stored). */
  async get(key: string): Promise<Buffer | null> {
    return bulk(await this.reads.send(['GET', key]));
  }

  /**
   * A stored value (or null), deleting it and the other keys given in the same round trip. `allocate` gives the
   * buffer it is read into (default: a new one).
   */
  async take(key: string, alsoDelete: readonly string[] = [], allocate?: Allocate): Promise<Buffer | null> {
    const [value, deleted] = await this.reads.sendAll(
      [
        ['GET', key],
        ['DEL', key, ...alsoDelete],
      ],
      allocate,
    );
    check(deleted);
    return bulk(value);
  }

  /** Stores bytes from a stream, in pieces; resolves with the number of bytes stored (0: nothing stored). */
  async putStream(key: string, source: Readable): Promise<number> {
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const piece = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      check(await this.writes.send(size === 0 ? ['SET', key, piece, 'PX', this.ttlMs] : ['APPEND', key, piece]));
      size += piece.length;
    };
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= BLOB_PIECE_BYTES) await flush();
    }
    await flush();
    return size;
  }

  /** A stream of a stored blob of `size` bytes, read piece by piece as it is consumed. */
  stream(key: string, size: number, onEnd?: () => void): Readable {
    let offset = 0;
    const reads = this.reads;
    const stream = new Readable({
      async read() {
        try {
          if (offset >= size) {
            this.push(null);
            return;
          }
          const end = Math.min(offset + BLOB_PIECE_BYTES, size) - 1;
          const piece = bulk(await reads.send(['GETRANGE', key, offset, end])) ?? Buffer.alloc(0);
          if (piece.length === 0) throw new Error('the blob expired before it was read to its end');
          offset += piece.length;
          this.push(piece);
        } catch (error) {
          this.destroy(error as Error);
        }
      },
    });
    if (onEnd) stream.once('close', onEnd);
    return withKnownSize(stream, size);
  }

  /** Copies a stored blob to a file, piece by piece. */
  async toFile(key: string, size: number, path: string): Promise<void> {
    await pipeline(this.stream(key, size), createWriteStream(path, { mode: 0o600, flags: 'wx' }));
  }
}

function check(reply: RespReply): RespReply {
  if (reply instanceof RespErrorReply) throw reply;
  return reply;
}

function bulk(reply: RespReply): Buffer | null {
  check(reply);
  if (reply !== null && !Buffer.isBuffer(reply))
    throw new Error(`Redis answered ${String(reply)} where bytes were due`);
  return reply;
}
