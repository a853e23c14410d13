import type { Redis } from 'ioredis';
import { connect, Socket } from 'node:net';
import { isRedisReady } from './redis-connection';
import { RespErrorReply, RespReply, RespReplyParser } from './resp-reply.parser';
import { corkWrites } from './tick-writes';

export type RespArgument = string | number | Buffer;

/** Between replies the socket reads into this buffer, reused; a bulk string's bytes go straight into their own. */
const SCRATCH_BYTES = 64 * 1024;

/** Gives the buffer a bulk reply of `size` bytes is read into. */
export type Allocate = (size: number) => Buffer;

interface Waiting {
  allocate?: Allocate;
  resolve(reply: RespReply): void;
  reject(error: Error): void;
}

/**
 * A connection of its own to the Redis of a Bull client, for the bytes of queue mode's blobs only (the SET, GET and
 * DEL of inputs and outputs, and the reply that must follow an output); each client has two (see `of`).
 *
 * Why not ioredis, which every other command uses: a value written by ioredis is copied into one buffer with its
 * command, and again into an auto-pipeline's batch; a value read is collected in the socket's 64 KiB chunks and
 * copied once more into one buffer. For a 1 MiB body that was most of a queued request's CPU: measured side by side
 * on loopback, a SET and a GET of 1 MiB cost ~2.1–2.4 ms of CPU with ioredis and ~0.65 ms here, where a value is
 * written as it is (the socket gathers the header and the bytes in one writev) and read straight into a buffer of
 * its exact size (`RespReplyParser`, `onread`). Small commands stay on ioredis, which is well kept and handles the
 * rest; this connection speaks just enough RESP for these few commands.
 *
 * It follows its Bull client rather than configuring itself: it connects (lazily) to the server that client is
 * connected to right now, with its credentials and database, so under Sentinel it goes to the current master. When
 * the client reconnects elsewhere (a failover) or closes, this connection is dropped and the next command opens a
 * new one. A command sent while the client is not connected fails at once, as ioredis's would.
 */
export class RespBlobConnection {
  private static readonly ofClient = new WeakMap<Redis, Map<string, RespBlobConnection>>();

  /**
   * The blob connection of this Bull client for one direction of traffic (`writes`: SET and PUBLISH; `reads`: GET
   * and DEL): one per client and direction, shared by the web tier and the worker. Two, because Redis answers a
   * connection's commands in order: a SET's `+OK` would otherwise wait behind the megabytes of GETs sent before
   * it, and its input be held that much longer.
   */
  static of(client: Redis, direction: 'reads' | 'writes'): RespBlobConnection {
    let connections = RespBlobConnection.ofClient.get(client);
    if (!connections) RespBlobConnection.ofClient.set(client, (connections = new Map()));
    let connection = connections.get(direction);
    if (!connection) {
      const name = `${client.options.connectionName ?? 'ufop'}-blob-${direction}`;
      connections.set(direction, (connection = new RespBlobConnection(client, name)));
    }
    return connection;
  }

  private socket?: Socket;
  /** Where `socket` goes: the server the Bull client was on when it was opened (undefined over a Unix socket). */
  private target?: { host?: string; port?: number };
  private readonly waiting: Waiting[] = [];
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private closed = false;

  private readonly onSourceReady = () => {
    // Reconnected: if to another server (a failover), this connection is on the old one.
    const stream = this.source.stream as Socket | undefined;
    if (!this.socket || !this.target?.host || !stream) return;
    if (this.target.host !== stream.remoteAddress || this.target.port !== stream.remotePort) {
      this.drop(new Error('the Redis connection moved to another server'));
    }
  };
  private readonly onSourceEnd = () => this.close();

  constructor(
    private readonly source: Redis,
    private readonly name: string,
  ) {
    source.on('ready', this.onSourceReady);
    source.on('end', this.onSourceEnd);
  }

  /**
   * Sends one command; its reply, or an error: a Redis error reply (`RespErrorReply`) or a lost connection.
   * `allocate` gives the buffer of a bulk reply (default: a new one).
   */
  send(args: readonly RespArgument[], allocate?: Allocate): Promise<RespReply> {
    return this.request(this.connection(), args, allocate);
  }

  /** Sends commands in one write; their replies, in order (each one may be an error reply: not thrown). */
  sendAll(commands: readonly (readonly RespArgument[])[], allocate?: Allocate): Promise<RespReply[]> {
    const socket = this.connection();
    return Promise.all(commands.map((args) => this.request(socket, args, allocate)));
  }

  /** Closes for good: what is waiting fails, nothing more is sent. */
  close(): void {
    this.closed = true;
    this.source.off('ready', this.onSourceReady);
    this.source.off('end', this.onSourceEnd);
    this.drop(new Error('the blob connection is closed'));
  }

  private connection(): Socket {
    if (this.closed) throw new Error('the blob connection is closed');
    if (this.socket) return this.socket;
    if (!isRedisReady(this.source)) throw new Error('Redis is not connected');
    return this.open();
  }

  private open(): Socket {
    const options = this.source.options;
    const stream = this.source.stream as Socket;
    // A bulk reply answers the command at the head of the queue: its buffer comes from where that command says.
    const parser = new RespReplyParser(
      (reply) => this.settle(reply),
      (size) => (this.waiting[0]?.allocate ?? Buffer.allocUnsafe)(size),
    );
    const onread = {
      buffer: () => parser.directTarget() ?? this.scratch,
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        try {
          if (buffer === this.scratch) parser.feed(this.scratch.subarray(0, bytes));
          else parser.filledDirectly(bytes);
        } catch (error) {
          this.drop(error as Error); // bytes that are not a reply: the stream is lost
        }
        return true; // keep reading
      },
    };
    // Where the Bull client is connected now: under Sentinel, the master it was given.
    const host = stream.remoteAddress ?? options.host ?? '127.0.0.1';
    const port = stream.remotePort ?? options.port ?? 6379;
    const socket = options.path ? connect({ path: options.path, onread }) : connect({ host, port, onread });
    socket.setNoDelay(true);
    // The commands written together (a value's header, its bytes, the PUBLISH after it) leave in one writev. They are
    // written in one go, so the socket is uncorked at the end of the tick, not of the turn: a large value need not
    // wait for the rest of the turn (side by side at 1 MiB, uncorking in an immediate cost more CPU in 5 of 6 rounds).
    corkWrites(socket, process.nextTick);
    // A server that does not take the connection is given up on as ioredis would (its connectTimeout).
    socket.setTimeout(options.connectTimeout ?? 10_000, () => socket.destroy(new Error('connect timeout')));
    socket.once('connect', () => socket.setTimeout(0));
    socket.on('error', (error) => this.drop(error, socket));
    socket.on('close', () => this.drop(new Error('the blob connection to Redis closed'), socket));
    this.socket = socket;
    this.target = options.path ? {} : { host, port };
    // The handshake goes first, in the same write as the first command: no round trip of its own.
    const handshake: RespArgument[][] = [];
    if (options.password) {
      handshake.push(options.username ? ['AUTH', options.username, options.password] : ['AUTH', options.password]);
    }
    if (Number(options.db) > 0) handshake.push(['SELECT', Number(options.db)]);
    handshake.push(['CLIENT', 'SETNAME', this.name]);
    for (const args of handshake) {
      this.request(socket, args).then(
        (reply) => {
          if (reply instanceof RespErrorReply)
            this.drop(new Error(`Redis refused the blob connection: ${reply.message}`));
        },
        () => undefined, // the command after it fails with the same error
      );
    }
    return socket;
  }

  private settle(reply: RespReply): void {
    const waiting = this.waiting.shift();
    if (!waiting) throw new Error('Redis sent a reply to no command');
    waiting.resolve(reply);
  }

  /** Ends the current socket (if it is `only`, when given) and fails every command still waiting on it. */
  private drop(error: Error, only?: Socket): void {
    const socket = this.socket;
    if (!socket || (only && socket !== only)) return;
    this.socket = undefined;
    socket.destroy();
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
  }

  /**
   * Writes one command and returns its reply. Commands written in one tick leave in one writev (`corkWrites`); a
   * binary argument is handed to the socket as it is, never copied.
   */
  private request(socket: Socket, args: readonly RespArgument[], allocate?: Allocate): Promise<RespReply> {
    const reply = new Promise<RespReply>((resolve, reject) => this.waiting.push({ resolve, reject, allocate }));
    let head = `*${args.length}\r\n`;
    for (const arg of args) {
      if (Buffer.isBuffer(arg)) {
        socket.write(`${head}$${arg.length}\r\n`);
        socket.write(arg);
        head = '\r\n';
      } else {
        const text = String(arg);
        head += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
      }
    }
    socket.write(head);
    return reply;
  }
}
