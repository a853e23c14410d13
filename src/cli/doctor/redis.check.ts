import {
  describeRedis,
  formatHostPort,
  redisConnectionOptions,
  RedisTopology,
  redisTopology,
  SentinelRedisTopology,
} from '../../queue/redis-topology';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import { redisOnce } from './redis-once';
import { sentinelTrouble, surveySentinels } from './sentinel.probe';
import { readWmemDefault, unixSocketBufferAdvice } from './socket-buffers';

const SENTINELS_FIX =
  "check REDIS_SENTINELS (host:port of each Sentinel), REDIS_SENTINEL_NAME (the master's name) and " +
  'REDIS_SENTINEL_PASSWORD (when the sentinels require one), and that they are reachable from here';

/**
 * Queue mode's Redis answers: a PING at `REDIS_URL`; under Sentinel (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`), every
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
      await redisOnce(address, 'PING');
      if (await isClusterNode(address)) {
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
      const advice = topology.kind === 'socket' ? unixSocketBufferAdvice(readWmemDefault()) : [];
      return { status: 'ok', summary: `Redis answers at ${target}`, ...(advice.length ? { details: advice } : {}) };
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
 * Whether the Redis at `address` runs in cluster mode: it answers PING like any Redis, and the queue's scripts fail
 * only once jobs come. Unknown (INFO renamed away, say) counts as not.
 */
async function isClusterNode(address: Parameters<typeof redisOnce>[0]): Promise<boolean> {
  try {
    return /^cluster_enabled:1\b/m.test(String(await redisOnce(address, 'INFO', 'cluster')));
  } catch {
    return false;
  }
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
  try {
    // ROLE rather than PING: it answers as PING does, and says whether the node named is a master. The processes'
    // connections check the same (a node that is a replica would refuse their writes).
    role = ((await redisOnce({ ...survey.master, password: topology.password }, 'ROLE')) as unknown[])[0];
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
  if (!trouble.length) return { status: 'ok', summary };
  return {
    status: 'warn',
    summary,
    fix: 'a failover needs a quorum of sentinels that agree: mend or start the ones listed, or take them out of REDIS_SENTINELS',
    details: trouble,
  };
}
