import {
  describeRedis,
  formatHostPort,
  redisConnectionOptions,
  RedisTopology,
  redisTopology,
  SentinelRedisTopology,
} from '../../queue/redis-topology';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import { RedisCall, redisSession } from './redis-once';
import { sentinelTrouble, surveySentinels } from './sentinel.probe';
import { readWmemDefault, unixSocketBufferAdvice } from './socket-buffers';

const SENTINELS_FIX =
  "check REDIS_SENTINELS (host:port of each Sentinel), REDIS_SENTINEL_NAME (the master's name) and " +
  'REDIS_SENTINEL_PASSWORD (when the sentinels require one), and that they are reachable from here';

/**
 * Queue mode's Redis answers: a PING at `REDIS_URL`, from a Redis that would take the queue's jobs (not a Cluster node
 * nor a replica) and keep them (no eviction policy); under Sentinel (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`), every
 * sentinel is asked for the master and the master they name for its ROLE.
 */
export const redisCheck: DoctorCheck = {
  name: 'redis',
  deploy: false,
  async run({ env }: DoctorContext): Promise<CheckResult> {
    const url = env.REDIS_URL?.trim();
    const sentinels = env.REDIS_SENTINELS?.trim();
    if (!url && !sentinels) return { status: 'skip', summary: 'REDIS_URL is not set: inline mode, no Redis needed' };
    let topology: RedisTopology;
    try {
      // The same reading of REDIS_URL / REDIS_SENTINELS (names, passwords) as the processes make.
      topology = redisTopology({
        redisUrl: url,
        redisSentinels: sentinels
          ?.split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
        redisSentinelName: env.REDIS_SENTINEL_NAME?.trim() || undefined,
        redisPassword: env.REDIS_PASSWORD?.trim() || undefined,
        redisSentinelPassword: env.REDIS_SENTINEL_PASSWORD?.trim() || undefined,
      });
    } catch (error) {
      return {
        status: 'fail',
        summary: (error as Error).message,
        fix: sentinels ? SENTINELS_FIX : 'set REDIS_URL to redis://host:port/db or unix:///path/to/redis.sock?db=N',
      };
    }
    if (topology.kind === 'sentinel') return sentinelCheck(topology);
    const target = describeRedis(topology);
    const address = topology.kind === 'socket' ? redisConnectionOptions(topology) : topology.url;
    try {
      const info = await redisSession(address, async (call) => {
        await call('PING');
        return redisInfo(call);
      });
      if (info.cluster_enabled === '1') {
        return {
          status: 'fail',
          summary:
            `${target} is a node of a Redis Cluster, which qiniu-ufop does not support: ` +
            "the queue's jobs would fail with MOVED or CROSSSLOT",
          fix:
            'point REDIS_URL at a standalone Redis, or use Sentinel (REDIS_SENTINELS) for failover; ' +
            "the README's queue section says why Cluster is not offered",
        };
      }
      if (info.role === 'slave') {
        return {
          status: 'fail',
          summary: `${target} is a read-only replica: the queue's jobs would fail with READONLY`,
          fix: 'point REDIS_URL at its master, or use Sentinel (REDIS_SENTINELS) so that the queue follows the master',
        };
      }
      const advice = topology.kind === 'socket' ? unixSocketBufferAdvice(readWmemDefault()) : [];
      const summary = `Redis answers at ${target}`;
      const details = advice.length ? { details: advice } : {};
      const eviction = evictionWarning(info);
      if (eviction) return { status: 'warn', summary: `${summary}, but ${eviction}`, fix: EVICTION_FIX, ...details };
      return { status: 'ok', summary, ...details };
    } catch (error) {
      return {
        status: 'fail',
        summary: `Redis does not answer at ${target}: ${(error as Error).message}`,
        fix:
          'start Redis (`apt-get install redis-server`, or `docker run -p 6379:6379 redis`), fix REDIS_URL ' +
          '(redis://[user:password@]host:port[/db]), or unset it to run inline without Redis',
      };
    }
  },
};

/**
 * The fields of the Redis's INFO (`role`, `cluster_enabled`, `maxmemory`, `maxmemory_policy`, …), asked on the
 * connection that checked it answers: a node of a Cluster, a replica or one that evicts keys answers PING like any
 * Redis, and the queue's jobs fail or vanish only once they come. Empty when INFO is refused (renamed away, say):
 * then nothing is known against it.
 */
async function redisInfo(call: RedisCall): Promise<Record<string, string>> {
  let text: string;
  try {
    text = String(await call('INFO'));
  } catch {
    return {};
  }
  return Object.fromEntries(
    text.split(/\r?\n/).flatMap((line) => {
      const at = line.indexOf(':');
      return at > 0 && !line.startsWith('#') ? [[line.slice(0, at), line.slice(at + 1)]] : [];
    }),
  );
}

/**
 * Under Sentinel: what each sentinel says, then the role of the master they name. A master that answers while some
 * sentinels are down or disagree is a warning: the service works, but a failover may not.
 */
async function sentinelCheck(topology: SentinelRedisTopology): Promise<CheckResult> {
  const survey = await surveySentinels(topology);
  const trouble = sentinelTrouble(survey, topology.name);
  const group = describeRedis(topology);
  if (!survey.master) {
    const reached = survey.answers.some((answer) => !('error' in answer));
    return {
      status: 'fail',
      summary: `Redis does not answer at ${group}: ${
        reached ? `no sentinel monitors a master named "${topology.name}"` : "no sentinel gave the master's address"
      }`,
      fix: SENTINELS_FIX,
      details: trouble,
    };
  }
  const master = formatHostPort(survey.master);
  let role: unknown;
  let info: Record<string, string>;
  try {
    // ROLE rather than PING: it answers as PING does, and says whether the node named is a master. The processes'
    // connections check the same (a node that is a replica would refuse their writes). INFO on the same connection.
    [role, info] = await redisSession({ ...survey.master, password: topology.password }, async (call) => [
      ((await call('ROLE')) as unknown[])[0],
      await redisInfo(call),
    ]);
  } catch (error) {
    return {
      status: 'fail',
      summary: `Redis does not answer at ${master}, ${group}: ${(error as Error).message}`,
      fix: 'start that Redis or let the sentinels fail it over, check that this machine reaches it, and REDIS_PASSWORD',
      details: trouble,
    };
  }
  if (role !== 'master') {
    return {
      status: 'fail',
      summary: `Redis at ${master}, which the sentinels name as the master "${topology.name}", answers as a ${
        role === 'slave' ? 'replica' : String(role)
      }`,
      fix: 'a failover may be under way: run doctor again in a minute; if it stays, check the sentinels (SENTINEL MASTERS)',
      details: trouble,
    };
  }
  const summary = `Redis answers at ${master}, ${group}`;
  // The master the queue writes to may evict keys just as a standalone Redis may.
  const eviction = evictionWarning(info);
  if (!trouble.length && !eviction) return { status: 'ok', summary };
  const quorum = trouble.length ? [QUORUM_FIX] : [];
  return {
    status: 'warn',
    summary: eviction ? `${summary}, but ${eviction}` : summary,
    fix: [...quorum, ...(eviction ? [EVICTION_FIX] : [])].join('; '),
    details: trouble,
  };
}

const QUORUM_FIX =
  'a failover needs a quorum of sentinels that agree: mend or start the ones listed, or take them out of REDIS_SENTINELS';

const EVICTION_FIX =
  'set maxmemory-policy noeviction on that Redis: an evicted job, input or output is a request lost, ' +
  'where a full Redis only refuses new jobs (503)';

/** What is wrong with a Redis that may evict keys (a `maxmemory` and a policy other than `noeviction`), if it may. */
function evictionWarning(info: Record<string, string>): string | undefined {
  const policy = info.maxmemory_policy;
  if (!(Number(info.maxmemory) > 0) || !policy || policy === 'noeviction') return undefined;
  return `with maxmemory-policy ${policy} it may evict the queue's keys when full`;
}
