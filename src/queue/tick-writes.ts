import type { Redis } from 'ioredis';
import type { Duplex } from 'node:stream';

/** Clients and sockets already done (a client may be handed over more than once). */
const batched = new WeakSet<object>();

/**
 * Makes a Redis connection send the commands of one turn of the event loop in one system call: the first command
 * written in a turn corks the socket, and an immediate uncorks it, so Node hands the kernel everything written
 * meanwhile in one `writev` (a job's `EVALSHA` and `PUBLISH`, the jobs of requests that arrived together, the
 * blocking waits of a worker's job slots). Applied to the client's socket now and to each new one it reconnects with.
 *
 * This is what ioredis's auto-pipelining does, without its cost: it builds a `Pipeline` per batch, whose constructor
 * copies onto itself every script the client defines (two properties each, and Bull defines 26) and an accessor of
 * its own: 33 µs of CPU per batch on this project's machine before a byte was written, and a batch per Redis round
 * trip when requests come one at a time. It also lets one batch per connection be on its way at a time, so a
 * command issued meanwhile waited for all the replies of the batch before it, and a blocking command could not be
 * batched at all (it would hold every command behind it). Here nothing waits for a reply: a write only waits for
 * the end of the turn, as an auto-pipelined one did.
 */
export function batchWritesPerTick(client: Pick<Redis, 'on'> & { stream?: Duplex }): void {
  const apply = () => {
    const socket = client.stream;
    if (!socket || batched.has(socket)) return;
    batched.add(socket);
    corkWrites(socket);
  };
  if (batched.has(client)) return;
  batched.add(client);
  // ioredis makes a new socket for each connection, and says 'connect' when it is up, before the handshake.
  client.on('connect', apply);
  apply();
}

/**
 * Corks `socket` at its first write and uncorks it when `defer` calls back (by default in an immediate, at the end
 * of the turn of the event loop): what is written meanwhile reaches the kernel in one `writev`. For the connections
 * of ioredis use `batchWritesPerTick`, which also follows reconnections; a socket of our own (the blob connections)
 * gets it when it is opened.
 */
export function corkWrites(socket: Duplex, defer: (uncork: () => void) => void = setImmediate): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Duplex, ...args: Parameters<Duplex['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      defer(uncork);
    }
    return write.apply(this, args);
  } as Duplex['write'];
}
