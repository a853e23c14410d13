import type { Queue } from 'bull';
import type { Redis } from 'ioredis';

/**
 * Bull's three connections, as the ioredis clients they are at run time: its typings give the command connection
 * another client type and leave the other two out. The one place that knows their field names.
 */
interface BullConnections {
  client: Redis;
  /** Made on first read (Bull's lazy getter). */
  eclient: Redis;
  /** Made on first read, by a worker's first wait for a job; `bclientInitialized` says whether it was. */
  bclient: Redis;
  bclientInitialized?: boolean;
}

const connections = (queue: Queue) => queue as unknown as BullConnections;

/** The connection Bull sends its commands and scripts on (and the framework its replies and small commands). */
export const commandConnection = (queue: Queue): Redis => connections(queue).client;

/** The connection Bull subscribes on (for delayed jobs in a worker); made if it was not yet. */
export const subscriberConnection = (queue: Queue): Redis => connections(queue).eclient;

/** A worker's connection for its blocking waits for jobs: made if it was not yet (only a worker should ask). */
export const blockingConnection = (queue: Queue): Redis => connections(queue).bclient;

/** The blocking connection if Bull has made one, without making it (a web process has none). */
export const blockingConnectionIfMade = (queue: Queue): Redis | undefined =>
  connections(queue).bclientInitialized ? connections(queue).bclient : undefined;
