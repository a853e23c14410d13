import { RespErrorReply } from './resp-reply.parser';

const CLUSTER =
  'the Redis at REDIS_URL is a node of a Redis Cluster, which the job queue does not support: ' +
  'use a standalone Redis, or Sentinel (REDIS_SENTINELS) for failover';
const CREDENTIALS =
  "Redis refuses REDIS_URL's credentials: check the password (REDIS_PASSWORD) or the user in REDIS_URL";

/**
 * What an error reply's code means for the queue, and what to do about it. These are the refusals of a Redis that
 * answers PING as if all were well: its connection is fine, so without a word of its own each would pass for a
 * Redis that cannot be reached.
 */
const MEANINGS: Record<string, string> = {
  MOVED: CLUSTER,
  ASK: CLUSTER,
  CROSSSLOT: CLUSTER,
  CLUSTERDOWN: CLUSTER,
  TRYAGAIN: CLUSTER,
  READONLY:
    'the Redis at REDIS_URL is a read-only replica: point REDIS_URL at its master, ' +
    'or use Sentinel (REDIS_SENTINELS) so that the queue follows the master through failovers ' +
    '(under Sentinel, the master was just demoted: the connections move to the new one by themselves)',
  OOM:
    'Redis is full (used_memory is past maxmemory, and its policy evicts nothing): give it more memory (maxmemory), ' +
    'since it holds the inputs and outputs of the jobs in flight',
  MISCONF: 'Redis refuses writes because its last snapshot failed (stop-writes-on-bgsave-error): see its log',
  NOAUTH: CREDENTIALS,
  WRONGPASS: CREDENTIALS,
  NOPERM: "the Redis user of REDIS_URL may not run the queue's commands: its ACL must allow them on the queue's keys",
  LOADING: 'Redis is loading its data set into memory: it answers once it has',
  BUSY: 'Redis is busy running a script',
  MASTERDOWN: 'the replica at REDIS_URL has lost its master',
};

/**
 * Why Redis refused a command, in the operator's terms: for an error reply (`-READONLY …`, `-OOM …`, `-MOVED …`),
 * what its code means and what to do, then the reply itself. Undefined for anything else (a lost connection, a
 * timeout), which is Redis not being reached.
 */
export function redisRefusal(error: unknown): string | undefined {
  if (!(error instanceof RespErrorReply) && (error as Error | undefined)?.name !== 'ReplyError') return undefined;
  // A reply from within a script ends with where in it (`script: <sha>, on @user_script:83.`): the queue's, not theirs.
  const reply = String((error as Error).message)
    .split('\n')[0]
    .replace(/\s*script: \w+, on @user_script:\d+\.?$/, '');
  const code = /^[A-Z]+/.exec(reply)?.[0] ?? '';
  const meaning = MEANINGS[code];
  return meaning ? `${meaning} (${reply})` : `Redis refused a command: ${reply}`;
}
