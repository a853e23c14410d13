import type { RedisOptions } from 'ioredis';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { DEFAULT_REDIS_URL } from './ufop-queue.constants';
import type { SentinelFailoverConnector } from './sentinel-failover.connector';

/** The Redis of queue mode: one server at a URL or on a Unix socket, or the master that a group of Sentinels names. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | {
      kind: 'socket';
      /** REDIS_URL as given (`unix:///run/redis.sock?db=2`, or ioredis's bare `/run/redis.sock`). */
      url: string;
      path: string;
      db?: number;
      username?: string;
      password?: string;
    }
  | {
      kind: 'sentinel';
      sentinels: Array<{ host: string; port: number }>;
      /** The master group name the sentinels monitor (`sentinel monitor <name> ...`). */
      name: string;
      /** Password of the master (and its replicas), `REDIS_PASSWORD`. */
      password?: string;
      /** Password of the sentinels themselves, `REDIS_SENTINEL_PASSWORD`. */
      sentinelPassword?: string;
    };

/** The Sentinel kind of `RedisTopology`. */
export type SentinelRedisTopology = Extract<RedisTopology, { kind: 'sentinel' }>;

type TopologyOptions = Pick<
  UfopOptions,
  'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisPassword' | 'redisSentinelPassword'
>;

/** Which Redis the options describe. Sentinels win over a URL only when the URL is unset (the factory refuses both). */
export function redisTopology(options: TopologyOptions): RedisTopology {
  if (options.redisSentinels?.length) {
    return {
      kind: 'sentinel',
      sentinels: options.redisSentinels.map(parseHostPort),
      name: options.redisSentinelName ?? DEFAULT_SENTINEL_NAME,
      password: options.redisPassword,
      sentinelPassword: options.redisSentinelPassword,
    };
  }
  const url = options.redisUrl ?? DEFAULT_REDIS_URL;
  return isUnixSocketUrl(url) ? parseUnixSocketUrl(url) : { kind: 'single', url };
}

/** A Redis on this machine's Unix socket: `unix:///path/to/redis.sock` or a bare absolute path, as ioredis takes. */
export function isUnixSocketUrl(url: string): boolean {
  return url.startsWith('unix:') || url.startsWith('/');
}

/**
 * `unix:///run/redis/redis.sock?db=2&password=…` (the form redis-py and others read; `username` too) or
 * `/run/redis/redis.sock?db=2`. Credentials go in the query: a URL with a path and no host has no room for them.
 */
export function parseUnixSocketUrl(url: string): Extract<RedisTopology, { kind: 'socket' }> {
  const bare = url.startsWith('/');
  let parsed: URL;
  try {
    parsed = new URL(bare ? `unix://${url}` : url);
  } catch {
    throw new Error(`Invalid REDIS_URL ${JSON.stringify(redactRedisUrl(url))}: expected unix:///path/to/redis.sock`);
  }
  const path = decodeURIComponent(parsed.pathname);
  if (parsed.host || !path.startsWith('/') || path === '/') {
    throw new Error(
      `Invalid REDIS_URL ${JSON.stringify(redactRedisUrl(url))}: expected unix:///path/to/redis.sock (an absolute path, no host)`,
    );
  }
  const query = parsed.searchParams;
  const db = query.get('db') ?? undefined;
  if (db !== undefined && !/^\d+$/.test(db)) {
    throw new Error(`Invalid REDIS_URL ${JSON.stringify(redactRedisUrl(url))}: db=${db} is not a database number`);
  }
  return {
    kind: 'socket',
    url,
    path,
    ...(db !== undefined ? { db: Number(db) } : {}),
    ...(query.get('username') ? { username: query.get('username')! } : {}),
    ...(query.get('password') ? { password: query.get('password')! } : {}),
  };
}

/** The conventional group name (Redis's sample sentinel.conf, most charts): what `REDIS_SENTINEL_NAME` defaults to. */
export const DEFAULT_SENTINEL_NAME = 'mymaster';

/**
 * The ioredis options for a topology's connections (what Bull's `redis` option takes, and what any other
 * connection to the same Redis should use). For a single server at a URL they are empty: Bull parses the URL itself
 * (Bull's parser knows no Unix socket, so for one the socket's path, database and credentials go here instead).
 *
 * Under Sentinel each connection asks a sentinel for the master's address whenever it (re)connects, so every
 * connection (Bull's client, subscriber and blocking client alike) follows a failover without a restart:
 * - a SIGKILLed master: the connections drop, retry (`retryStrategy`), and find the promoted replica once the
 *   sentinels have elected it;
 * - a master demoted while up (`SENTINEL FAILOVER`, or an old master coming back as a replica): the sentinels
 *   kill its client connections, and a write that still lands on a replica (`READONLY`) makes the connection
 *   reconnect rather than fail every command;
 * - a master that is up but frozen or cut off: no socket closes, so the connector drops its socket to it on the
 *   sentinels' `+switch-master` (see SentinelFailoverConnector: ioredis's own `failoverDetector` can end a
 *   connection for good, and is left off).
 */
export function redisConnectionOptions(topology: RedisTopology): RedisOptions {
  if (topology.kind === 'single') return {};
  if (topology.kind === 'socket') {
    // The parsed socket holds only the fields its URL set (an undefined `db` would override ioredis's default).
    const { kind: _kind, url: _url, ...connection } = topology;
    return connection;
  }
  return {
    sentinels: topology.sentinels,
    name: topology.name,
    password: topology.password,
    sentinelPassword: topology.sentinelPassword,
    Connector: sentinelFailoverConnector(),
    // A sentinel that cannot be reached is skipped for the next one; when none answers, try again within a second
    // (the default backs off to 1 s too, but gives up after 10 tries on ioredis < 5, which would stop the process).
    sentinelRetryStrategy: (times: number) => Math.min(100 * times, 1000),
    // A sentinel that takes the connection but does not answer (frozen, overloaded) is skipped after a second
    // rather than holding the reconnection (ioredis waits for ever by default).
    sentinelCommandTimeout: SENTINEL_COMMAND_TIMEOUT_MS,
    reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

export const SENTINEL_COMMAND_TIMEOUT_MS = 1000;

/** Where the Redis is, for log lines and messages: never a password. */
export function describeRedis(topology: RedisTopology): string {
  if (topology.kind === 'single') return redactRedisUrl(topology.url);
  if (topology.kind === 'socket')
    return `the Unix socket ${topology.path}${topology.db ? ` (database ${topology.db})` : ''}`;
  const sentinels = topology.sentinels.map(formatHostPort).join(',');
  return `the master "${topology.name}" of sentinels ${sentinels}`;
}

/** The Redis URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const bare = url.startsWith('/');
    const parsed = new URL(bare ? `unix://${url}` : url);
    if (parsed.password) parsed.password = '***';
    // A Unix socket's credentials are in its query.
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    const redacted = parsed.toString();
    return bare ? redacted.slice('unix://'.length) : redacted;
  } catch {
    return url;
  }
}

/** `host:port`, `[v6]:port` or a bare host (port 26379, the Sentinel default). */
export function parseHostPort(entry: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+))(?::(\d+))?$/.exec(entry.trim());
  const port = Number(match?.[3] ?? DEFAULT_SENTINEL_PORT);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Invalid REDIS_SENTINELS entry ${JSON.stringify(entry)}: expected host:port`);
  }
  return { host: match[1] ?? match[2], port };
}

export const DEFAULT_SENTINEL_PORT = 26379;

/** `host:port`, or `[v6]:port` for an IPv6 address: what `parseHostPort` reads back. */
export function formatHostPort({ host, port }: { host: string; port: number }): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The connector class, loaded when a Sentinel topology asks for it: its module loads ioredis, which an inline
 * process (and `qiniu-ufop process`) never needs.
 */
function sentinelFailoverConnector(): typeof SentinelFailoverConnector {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./sentinel-failover.connector') as typeof import('./sentinel-failover.connector'))
    .SentinelFailoverConnector;
}
