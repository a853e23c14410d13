import { formatHostPort, SentinelRedisTopology } from '../../queue/redis-topology';
import { redisOnce } from './redis-once';

type Address = { host: string; port: number };

/** What one sentinel said when asked for the master: its address, that it monitors no such master, or nothing. */
export type SentinelAnswer =
  { sentinel: Address; master: Address } | { sentinel: Address; unknown: true } | { sentinel: Address; error: Error };

/** What the sentinels said, each of them, and the master that the processes would connect to. */
export interface SentinelSurvey {
  answers: SentinelAnswer[];
  /** The address the first sentinel to name one gave (in REDIS_SENTINELS order, as ioredis asks them). */
  master?: Address;
}

/**
 * Asks every sentinel of REDIS_SENTINELS for the address of the master REDIS_SENTINEL_NAME, all at once, each
 * with one connection of its own that is closed as soon as it has answered. Doctor does this itself rather than
 * through ioredis's Sentinel support: that stops at the first sentinel that answers, so it cannot say which of the
 * others are down or disagree, and the connections it makes to sentinels keep the process alive for 2 s after a
 * failure, with no option to shorten it.
 */
export async function surveySentinels(topology: SentinelRedisTopology): Promise<SentinelSurvey> {
  const answers = await Promise.all(
    topology.sentinels.map(async (sentinel): Promise<SentinelAnswer> => {
      try {
        const reply = await redisOnce(
          { ...sentinel, password: topology.sentinelPassword },
          'SENTINEL',
          'get-master-addr-by-name',
          topology.name,
        );
        if (reply === null) return { sentinel, unknown: true };
        const [host, port] = reply as [string, string];
        return { sentinel, master: { host, port: Number(port) } };
      } catch (error) {
        return { sentinel, error: error as Error };
      }
    }),
  );
  const first = answers.find((answer) => 'master' in answer);
  return { answers, master: first && 'master' in first ? first.master : undefined };
}

/**
 * One line per sentinel that is down, does not know the master's name, or names another master than `master`:
 * what an operator should look at even when the service works (a failover needs a quorum of sentinels).
 */
export function sentinelTrouble(survey: SentinelSurvey, name: string): string[] {
  const lines: string[] = [];
  for (const answer of survey.answers) {
    const where = `sentinel ${formatHostPort(answer.sentinel)}`;
    if ('error' in answer) lines.push(`${where}: ${answer.error.message}`);
    else if ('unknown' in answer) lines.push(`${where}: monitors no master named "${name}"`);
    else if (survey.master && formatHostPort(answer.master) !== formatHostPort(survey.master))
      lines.push(`${where}: names ${formatHostPort(answer.master)} as the master`);
  }
  return lines;
}
