import { spawnSync } from 'node:child_process';

/**
 * "Hosts" made of Linux network namespaces, for tests that must cross a real network: each host is a namespace with
 * one veth (`eth0`, 10.77.0.<n>/24) plugged into a bridge that lives in a namespace of its own, so no address,
 * route or interface is added to the machine's own namespace and no packet leaves these namespaces. Every link
 * gets `tc netem` delay when the kernel has it. Names carry the pid: parallel runs never collide.
 */
export class NetnsHosts {
  readonly lan: string;
  readonly hosts = new Map<string, { ns: string; address: string }>();
  /** Whether `tc netem` delay could be set on the links (figures in the test's output say which). */
  delayed = false;

  constructor(
    private readonly tag: string,
    private readonly delay = '5ms',
  ) {
    this.lan = `${tag}-lan`;
  }

  /** Why namespaces cannot be made here (not root, no `ip`), or undefined when they can. */
  static unavailable(): string | undefined {
    if (process.platform !== 'linux') return 'network namespaces need Linux';
    if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)';
    const probe = `ufop-probe-${process.pid}`;
    const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (made.error) return `no ip command (install iproute2): ${made.error.message}`;
    if (made.status !== 0) return `ip netns add failed: ${made.stderr.trim()}`;
    spawnSync('ip', ['netns', 'del', probe]);
    return undefined;
  }

  /** Makes the bridge and one host per name, numbered from 1 in the order given. */
  create(names: string[]): void {
    ip('netns', 'add', this.lan);
    ip('-n', this.lan, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', this.lan, 'link', 'set', 'br0', 'up');
    names.forEach((name, index) => {
      const ns = `${this.tag}-${name}`;
      const address = `10.77.0.${index + 1}`;
      const port = `p${index + 1}`;
      ip('netns', 'add', ns);
      this.hosts.set(name, { ns, address });
      // The host's end is created inside its namespace at once: it never appears in the machine's namespace.
      ip('-n', this.lan, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', this.lan, 'link', 'set', port, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      const netem = spawnSync('ip', [
        'netns',
        'exec',
        ns,
        'tc',
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'netem',
        'delay',
        this.delay,
      ]);
      this.delayed = netem.status === 0 && (this.delayed || index === 0);
    });
  }

  host(name: string): { ns: string; address: string } {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  /** What to put before a command to run it on a host. */
  exec(name: string): string[] {
    return ['ip', 'netns', 'exec', this.host(name).ns];
  }

  /** Kills whatever still runs in these namespaces (only processes this test started live there), then deletes them. */
  destroy(): void {
    for (const ns of [...[...this.hosts.values()].map((host) => host.ns), this.lan]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
    this.hosts.clear();
  }
}

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}
