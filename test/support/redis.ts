import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import Redis from 'ioredis';
import { freePort } from './free-port';
import { empty, eventually } from './eventually';

/** Where the test run's Redis is: `REDIS_URL`, else the local default. */
export const DEFAULT_TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  /** Stops the redis-server this helper started, if it started one. */
  close(): Promise<void>;
}

/** True when a Redis answers PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * The Redis the queue tests use: the one at REDIS_URL (default redis://127.0.0.1:6379) when it answers, else a
 * `redis-server` of our own on a free port. With neither, fails with how to get one: never skips in silence.
 */
export async function useTestRedis(): Promise<TestRedis> {
  if (await redisAnswers(DEFAULT_TEST_REDIS_URL)) return { url: DEFAULT_TEST_REDIS_URL, close: async () => undefined };
  const own = await startRedisServer();
  return { url: own.url, close: () => own.stop() };
}

/** A `redis-server` child process on a loopback port, which a test can stop and start again (same port). */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    /** A Unix socket the server also listens on (`--unixsocket`), if it was given one. */
    readonly unixSocket?: string,
    /** More arguments for redis-server (`--cluster-enabled yes`, say). */
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server's process id, while it runs (to read its memory from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The keys matching `pattern` (KEYS: this server is the test's own). */
  async keys(pattern: string): Promise<string[]> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return (await client.keys(pattern)).sort();
    } finally {
      client.disconnect();
    }
  }

  /** Runs one command on this server (`CONFIG SET …`, `REPLICAOF NO ONE`) and gives its reply. */
  async call(command: string, ...args: string[]): Promise<unknown> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return await client.call(command, ...args);
    } finally {
      client.disconnect();
    }
  }

  /** The length of the list at `key` (a queue's wait list, say). */
  async llen(key: string): Promise<number> {
    return Number(await this.call('LLEN', key));
  }

  /**
   * The keys matching `pattern` once none is left or `waitMs` has passed: a request's last DEL may leave its process
   * after the answer did (a process's Redis writes go out at the end of its turn).
   */
  keysLeft(pattern: string, waitMs = 5000): Promise<string[]> {
    return eventually(() => this.keys(pattern), empty, waitMs);
  }

  static async start(port?: number, unixSocket?: string, extraArgs: string[] = []): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), unixSocket, extraArgs);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    if (this.child) return;
    assertRedisServerInstalled();
    // No persistence, no disk: a throwaway server that only this test run talks to.
    const child = spawn(
      'redis-server',
      [
        ...throwawayServerArgs(this.port),
        '--daemonize',
        'no',
        ...(this.unixSocket ? ['--unixsocket', this.unixSocket, '--unixsocketperm', '700'] : []),
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers(this.url))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        this.child = undefined;
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${this.port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server at once (SIGKILL: clients see the connection drop, as in an outage). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** A redis-server on loopback `port` that keeps nothing: no RDB snapshots, no append-only file. */
export function throwawayServerArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}

export function startRedisServer(port?: number): Promise<RedisServer> {
  return RedisServer.start(port);
}

function assertRedisServerInstalled(): void {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new Error(
      `No Redis answers at ${DEFAULT_TEST_REDIS_URL} and redis-server is not installed. ` +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server), or set REDIS_URL to a Redis this test run may use.',
    );
  }
}

/** A key prefix of this test run's own, so parallel suites and other users of the Redis never collide. */
export function uniquePrefix(label: string): string {
  return `ufop-test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * The end of a queue test, as far as it got: its processes killed, the keys under its prefixes deleted, its Redis
 * let go (a redis-server of its own stopped).
 */
export async function endQueueTest(
  redis: TestRedis | undefined,
  prefixes: Array<string | undefined>,
  processes: Array<{ kill(): Promise<void> } | undefined> = [],
): Promise<void> {
  await Promise.all(processes.map((started) => started?.kill()));
  if (!redis) return;
  for (const prefix of prefixes) if (prefix) await deleteKeysUnder(redis.url, prefix);
  await redis.close();
}

/** Every key under `prefix:` (SCAN, not KEYS). */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix:`: each test cleans up what it made. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const keys = await keysUnder(url, prefix);
  if (keys.length === 0) return;
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  } finally {
    client.disconnect();
  }
}
