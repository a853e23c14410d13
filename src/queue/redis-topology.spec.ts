import { describeRedis, parseHostPort, redactRedisUrl, redisConnectionOptions, redisTopology } from './redis-topology';
import { ufopQueueOptions } from './ufop-queue.options';
import { SentinelFailoverConnector } from './sentinel-failover.connector';
import { resolveUfopOptions } from '../config/ufop-options.factory';

describe('Redis topology', () => {
  it('is one server at REDIS_URL (default the local one), which Bull parses itself', () => {
    const single = redisTopology({ redisUrl: 'redis://:secret@cache:6380/2' });
    expect(single).toEqual({ kind: 'single', url: 'redis://:secret@cache:6380/2' });
    expect(redisConnectionOptions(single)).toEqual({});
    expect(describeRedis(single)).toBe('redis://:***@cache:6380/2');
    expect(redisTopology({})).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
  });

  it('is a Redis on a Unix socket, given as unix:///path or a bare path, with its database and credentials', () => {
    const socket = redisTopology({ redisUrl: 'unix:///run/redis/redis.sock?db=3&username=ufop&password=s%40cret' });
    expect(socket).toMatchObject({
      kind: 'socket',
      path: '/run/redis/redis.sock',
      db: 3,
      username: 'ufop',
      password: 's@cret',
    });
    expect(redisConnectionOptions(socket)).toEqual({
      path: '/run/redis/redis.sock',
      db: 3,
      username: 'ufop',
      password: 's@cret',
    });
    expect(describeRedis(socket)).toBe('the Unix socket /run/redis/redis.sock (database 3)');
    expect(redactRedisUrl('unix:///r.sock?db=1&password=secret')).toBe('unix:///r.sock?db=1&password=***');
    expect(redactRedisUrl('/r.sock?password=secret')).toBe('/r.sock?password=***');
    const bare = redisTopology({ redisUrl: '/tmp/redis.sock' });
    expect(redisConnectionOptions(bare)).toEqual({ path: '/tmp/redis.sock' });
    expect(describeRedis(bare)).toBe('the Unix socket /tmp/redis.sock');
    // Bull gets no URL (its parser knows no socket): the path goes in its connection options.
    const bull = ufopQueueOptions(resolveUfopOptions({}, { REDIS_URL: 'unix:///tmp/r.sock?db=2', CPU_COUNT: '1' }));
    expect(bull.url).toBeUndefined();
    expect(bull.redis).toMatchObject({ path: '/tmp/r.sock', db: 2, maxRetriesPerRequest: 1 });
    expect(resolveUfopOptions({}, { REDIS_URL: '/tmp/r.sock' }).mode).toBe('queue');
  });

  it('refuses a Unix socket URL with a host, no path or a bad database, at boot and by name', () => {
    for (const url of ['unix://host/r.sock', 'unix://', 'unix:///r.sock?db=x', 'unix:///']) {
      expect(() => resolveUfopOptions({}, { REDIS_URL: url })).toThrow(/Invalid REDIS_URL "unix:/);
    }
    expect(() => resolveUfopOptions({}, { REDIS_URL: 'unix:///r.sock?db=x&password=secret' })).toThrow(
      /password=\*\*\*/,
    );
  });

  it('is the master a group of sentinels names, with both passwords, following failovers', () => {
    const options = resolveUfopOptions(
      {},
      {
        REDIS_SENTINELS: 's1:26379, s2:26380,[::1]:26381,s4',
        REDIS_SENTINEL_NAME: 'cache',
        REDIS_PASSWORD: 'master-secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      },
    );
    expect(options.mode).toBe('queue');
    const topology = redisTopology(options);
    expect(redisConnectionOptions(topology)).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: '::1', port: 26381 },
        { host: 's4', port: 26379 },
      ],
      name: 'cache',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      Connector: SentinelFailoverConnector,
      sentinelCommandTimeout: 1000,
    });
    expect(redisConnectionOptions(topology).failoverDetector).toBeUndefined(); // it can end a connection for good
    expect(describeRedis(topology)).toBe('the master "cache" of sentinels s1:26379,s2:26380,[::1]:26381,s4:26379');
    expect(describeRedis(topology)).not.toMatch(/secret/);
  });

  it('names the master mymaster by default', () => {
    expect(redisTopology({ redisSentinels: ['127.0.0.1:26379'] })).toMatchObject({ name: 'mymaster' });
  });

  it('reconnects when a write lands on a demoted master, and only then', () => {
    const { reconnectOnError } = redisConnectionOptions(redisTopology({ redisSentinels: ['s:1'] }));
    expect(reconnectOnError!(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnectOnError!(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('refuses a bad sentinel address, and REDIS_URL together with REDIS_SENTINELS', () => {
    expect(() => parseHostPort('host:99999')).toThrow(/REDIS_SENTINELS entry "host:99999"/);
    expect(() => parseHostPort('a:b:c')).toThrow(/expected host:port/);
    expect(() => resolveUfopOptions({}, { REDIS_URL: 'redis://x', REDIS_SENTINELS: 's:26379' })).toThrow(
      /REDIS_URL or REDIS_SENTINELS/,
    );
  });

  it('gives Bull the sentinels instead of a URL, keeping the queue settings', () => {
    const bull = ufopQueueOptions(resolveUfopOptions({}, { REDIS_SENTINELS: 's1:26379', CPU_COUNT: '1' }));
    expect(bull.url).toBeUndefined();
    expect(bull.redis).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      maxRetriesPerRequest: 1,
    });
    const plain = ufopQueueOptions(resolveUfopOptions({}, { REDIS_URL: 'redis://r:6379', CPU_COUNT: '1' }));
    expect(plain.url).toBe('redis://r:6379');
    expect(plain.redis).not.toHaveProperty('sentinels');
  });
});
