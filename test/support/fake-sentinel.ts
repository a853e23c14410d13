import { once } from 'node:events';
import { AddressInfo, createServer, Server, Socket } from 'node:net';

export interface Address {
  host: string;
  port: number;
}

/**
 * A Sentinel that the test drives by hand, on a loopback port: it names whichever master the test sets, can hold
 * its answers to `get-master-addr-by-name` (so that a client is caught between asking and hearing), and publishes
 * `+switch-master` when told. It speaks the little RESP a client needs: the SENTINEL queries, SUBSCRIBE, and OK to
 * anything else (CLIENT SETINFO, SETNAME); PING and ROLE too, so that one can also stand for a master (doctor's test).
 */
export class FakeSentinel {
  /** The master it names; null: it monitors no master of the name asked for. */
  master: Address | null;
  /** What it answers to ROLE, standing in for the master itself (it answers PING too). */
  role: 'master' | 'slave' = 'master';
  private holding = false;
  private readonly held: Socket[] = [];
  private readonly subscribers = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  private askedWhileHeld?: () => void;

  private constructor(
    private readonly server: Server,
    master: Address | null,
  ) {
    this.master = master;
    server.on('connection', (socket) => this.serve(socket));
  }

  static async start(master: Address | null): Promise<FakeSentinel> {
    const server = createServer();
    const sentinel = new FakeSentinel(server, master);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return sentinel;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** How many connections are subscribed to `+switch-master`. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** From now on, questions for the master's address wait for `release()`; resolves at the first one. */
  hold(): Promise<void> {
    this.holding = true;
    return new Promise((resolve) => (this.askedWhileHeld = resolve));
  }

  /** Answers the held questions with the current master, and every later one at once. */
  release(): void {
    this.holding = false;
    for (const socket of this.held.splice(0)) socket.write(this.masterReply());
  }

  /** Publishes `+switch-master <name> <from> <to>` to every subscriber, as sentinels do after a promotion. */
  publishSwitch(name: string, from: Address, to: Address): void {
    const message = `${name} ${from.host} ${from.port} ${to.host} ${to.port}`;
    for (const socket of this.subscribers) socket.write(array(['message', '+switch-master', message]));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.subscribers.delete(socket);
    });
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const parsed = parseCommand(pending);
        if (!parsed) break;
        pending = pending.subarray(parsed.length);
        this.answer(socket, parsed.args);
      }
    });
  }

  private answer(socket: Socket, args: string[]): void {
    const [command, sub] = args.map((arg) => arg.toLowerCase());
    if (command === 'sentinel' && sub === 'get-master-addr-by-name') {
      if (!this.holding) return void socket.write(this.masterReply());
      this.held.push(socket);
      this.askedWhileHeld?.();
      this.askedWhileHeld = undefined;
    } else if (command === 'sentinel') {
      socket.write('*0\r\n'); // no other sentinels, no replicas
    } else if (command === 'subscribe') {
      this.subscribers.add(socket);
      socket.write(`*3\r\n${bulk('subscribe')}${bulk(args[1])}:1\r\n`);
    } else if (command === 'role') {
      socket.write(
        this.role === 'master'
          ? `*3\r\n${bulk('master')}:0\r\n*0\r\n`
          : array(['slave', '127.0.0.1', '1', 'connected']),
      );
    } else if (command === 'ping') {
      socket.write('+PONG\r\n');
    } else {
      socket.write('+OK\r\n');
    }
  }

  private masterReply(): string {
    return this.master ? array([this.master.host, String(this.master.port)]) : '*-1\r\n';
  }
}

function bulk(value: string): string {
  return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
}

function array(values: string[]): string {
  return `*${values.length}\r\n${values.map(bulk).join('')}`;
}

/** One `*N` array of bulk strings from the front of `buffer`, or undefined while it is incomplete. */
function parseCommand(buffer: Buffer): { args: string[]; length: number } | undefined {
  const line = (from: number) => {
    const end = buffer.indexOf('\r\n', from);
    return end < 0 ? undefined : { text: buffer.toString('utf8', from, end), next: end + 2 };
  };
  const header = line(0);
  if (!header) return undefined;
  const count = Number(header.text.slice(1));
  const args: string[] = [];
  let at = header.next;
  for (let i = 0; i < count; i++) {
    const size = line(at);
    if (!size) return undefined;
    const length = Number(size.text.slice(1));
    if (buffer.length < size.next + length + 2) return undefined;
    args.push(buffer.toString('utf8', size.next, size.next + length));
    at = size.next + length + 2;
  }
  return { args, length: at };
}
