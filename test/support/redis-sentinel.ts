import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redisAnswers, throwawayServerArgs } from './redis';
import { freePort } from './free-port';

/**
 * A Sentinel-managed Redis on loopback, all of it child processes of this test: a master, one replica and three
 * sentinels (quorum 2) with short timings, so that a killed master is replaced within seconds. Everything lives
 * in a temp dir that `stop()` removes.
 */
export class SentinelTopology {
  readonly name = 'mymaster';
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    private readonly dir: string,
    readonly masterPort: number,
    readonly replicaPort: number,
    readonly sentinelPorts: number[],
  ) {}

  /** `REDIS_SENTINELS` for this topology. */
  get sentinels(): string {
    return this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  static async start(): Promise<SentinelTopology> {
    const ports: number[] = [];
    while (ports.length < 5) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const [master, replica, ...sentinels] = ports;
    const topology = new SentinelTopology(mkdtempSync(join(tmpdir(), 'ufop-sentinel-')), master, replica, sentinels);
    try {
      await topology.startServer(master);
      await topology.startServer(replica, ['--replicaof', '127.0.0.1', String(master)]);
      for (const port of sentinels) await topology.startSentinel(port);
      await topology.waitUntilReady();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  /** The port of the master the sentinels name now (the first sentinel's answer, or another's). */
  async currentMasterPort(sentinelPort = this.sentinelPorts[0]): Promise<number> {
    const client = new Redis(sentinelPort, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      const [, port] = (await client.call('SENTINEL', 'get-master-addr-by-name', this.name)) as [string, string];
      return Number(port);
    } finally {
      client.disconnect();
    }
  }

  /** Whether every sentinel names the same master (after a failover they learn of it a moment apart). */
  async sentinelsAgree(): Promise<boolean> {
    const ports = await Promise.all(this.sentinelPorts.map((port) => this.currentMasterPort(port)));
    return ports.every((port) => port === ports[0]);
  }

  /** SIGKILLs the redis-server (or sentinel) on `port`: its clients see the connection drop, as in a crash. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child) return;
    this.children.delete(port);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startServer(port: number, extra: string[] = []): Promise<void> {
    this.spawn(port, [...throwawayServerArgs(port), '--dir', this.dir, ...extra]);
    await this.waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`), `redis-server on port ${port}`);
  }

  private async startSentinel(port: number): Promise<void> {
    // A sentinel rewrites its config file as it learns the topology: each gets a file of its own.
    const conf = join(this.dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${this.name} 127.0.0.1 ${this.masterPort} 2`,
        `sentinel down-after-milliseconds ${this.name} 1000`,
        `sentinel failover-timeout ${this.name} 5000`,
        `sentinel parallel-syncs ${this.name} 1`,
        '',
      ].join('\n'),
    );
    this.spawn(port, [conf, '--sentinel']);
    await this.waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`), `sentinel on port ${port}`);
  }

  private spawn(port: number, args: string[]): void {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.children.set(port, child);
  }

  /** Until the replica is in sync and every sentinel knows the replica and the two other sentinels. */
  private async waitUntilReady(): Promise<void> {
    const replica = new Redis(this.replicaPort, '127.0.0.1', { maxRetriesPerRequest: 1 });
    const sentinels = this.sentinelPorts.map((port) => new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 }));
    try {
      await this.waitFor(
        async () => /master_link_status:up/.test(await replica.info('replication')),
        'the replica in sync',
      );
      await this.waitFor(async () => {
        for (const sentinel of sentinels) {
          const peers = (await sentinel.call('SENTINEL', 'sentinels', this.name)) as unknown[];
          const replicas = (await sentinel.call('SENTINEL', 'replicas', this.name)) as unknown[];
          if (peers.length < 2 || replicas.length < 1) return false;
        }
        return true;
      }, 'the sentinels to know each other and the replica');
    } finally {
      replica.disconnect();
      sentinels.forEach((sentinel) => sentinel.disconnect());
    }
  }

  private async waitFor(probe: () => Promise<boolean>, what: string, capMs = 30_000): Promise<void> {
    const deadline = Date.now() + capMs;
    while (!(await probe().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`never ready: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
