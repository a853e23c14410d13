import Redis, { RedisOptions } from 'ioredis';
import { redisConnectionOptions } from '../src/queue/redis-topology';
import { Address, FakeSentinel } from './support/fake-sentinel';
import { until } from './support/eventually';
import { RedisServer } from './support/redis';

/**
 * The two moments of a failover that the full Sentinel test (queue.sentinel.e2e-spec.ts) meets only by chance,
 * made to happen on purpose with a sentinel the test drives: the promotion notice arriving while a client is
 * asking where the master is, and a master that freezes instead of dying. Real redis-servers behind it.
 */
describe('the Sentinel connector of queue mode', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  let sentinel: FakeSentinel;

  const server = async () => {
    const started = await RedisServer.start();
    servers.push(started);
    return started;
  };
  const at = (server: RedisServer): Address => ({ host: '127.0.0.1', port: server.port });

  /** A client with the options the queue's connections get (retrying every 50 ms, so the test is short). */
  const connect = async (overrides: RedisOptions = {}) => {
    const client = new Redis({
      ...redisConnectionOptions({
        kind: 'sentinel',
        sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
        name: 'mymaster',
      }),
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
      ...overrides,
    });
    client.on('error', () => undefined);
    clients.push(client);
    await until(() => client.status === 'ready', 'the client ready');
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    for (const started of servers) if (started.pid) process.kill(started.pid, 'SIGCONT');
    await Promise.all(servers.splice(0).map((started) => started.stop()));
    await sentinel?.close();
  });

  /** Kills the master while the client is connected; the promotion notice comes while it asks for the new one. */
  const switchWhileAsking = async (client: Redis, from: RedisServer, to: RedisServer) => {
    const asked = sentinel.hold();
    await from.stop();
    await asked; // the client lost its master and waits for the sentinel's answer
    sentinel.master = at(to);
    sentinel.publishSwitch('mymaster', at(from), at(to));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the notice is read before the answer
    sentinel.release();
    return client;
  };

  it('reconnects to the promoted master when the notice comes while it is asking a sentinel', async () => {
    const [old, promoted] = [await server(), await server()];
    sentinel = await FakeSentinel.start(at(old));
    const client = await connect();
    await until(() => sentinel.subscriberCount >= 1, 'the connector watching for +switch-master');

    await switchWhileAsking(client, old, promoted);
    await until(() => client.status === 'ready', 'the client ready on the promoted master', 10_000);
    await client.set('after-switch', 'x');
    expect(await promoted.keys('after-switch')).toEqual(['after-switch']);
  });

  it("(why ioredis's own failoverDetector is off: the same moment ends its connection for good)", async () => {
    const [old, promoted] = [await server(), await server()];
    sentinel = await FakeSentinel.start(at(old));
    const client = await connect({ Connector: undefined, failoverDetector: true });
    await until(() => sentinel.subscriberCount >= 1, "ioredis's detector subscribed");

    await switchWhileAsking(client, old, promoted);
    await until(() => client.status === 'end', 'the client ended', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.status).toBe('end'); // and it stays so: no retry is scheduled
  });

  it('leaves a frozen master for the promoted one on the notice (no socket closes by itself then)', async () => {
    const [old, promoted] = [await server(), await server()];
    sentinel = await FakeSentinel.start(at(old));
    const client = await connect();
    await until(() => sentinel.subscriberCount >= 1, 'the connector watching for +switch-master');

    process.kill(old.pid!, 'SIGSTOP'); // up, connected, silent: a paused VM, a partition
    const write = client.set('written-during-freeze', 'x'); // waits on the frozen master
    sentinel.master = at(promoted);
    sentinel.publishSwitch('mymaster', at(old), at(promoted));
    await expectWithin(write, 10_000, 'the write re-sent to the promoted master');
    expect(await promoted.keys('written-during-freeze')).toEqual(['written-during-freeze']);
  });

  it('ignores a switch of another master group the same sentinels watch', async () => {
    const [master, other] = [await server(), await server()];
    sentinel = await FakeSentinel.start(at(master));
    const client = await connect();
    await until(() => sentinel.subscriberCount >= 1, 'the connector watching for +switch-master');
    const closed = new Promise((resolve) => client.once('close', resolve));

    sentinel.publishSwitch('othergroup', at(master), at(other));
    await client.set('still-here', 'x');
    const outcome = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('kept'), 500)),
    ]);
    expect(outcome).toBe('kept');
    expect(await master.keys('still-here')).toEqual(['still-here']);
  });
});

async function expectWithin<T>(promise: Promise<T>, capMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${capMs} ms: ${what}`)), capMs)),
  );
  try {
    return await Promise.race([promise, cap]);
  } finally {
    clearTimeout(timer);
  }
}
