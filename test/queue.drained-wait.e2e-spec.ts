import Bull, { Queue } from 'bull';
import { waitBlockingWhenDrained } from '../src/queue/drained-wait';
import { RedisServer } from './support/redis';
import { monitored } from './support/redis-monitor';

/**
 * Counts the runs of Bull's moveToActive script for queue `name` (its keys begin with the wait, active and priority
 * lists) while `work` runs. The Redis is this test's own: nothing else is counted.
 */
async function moveToActiveRuns(redis: RedisServer, name: string, work: () => Promise<void>): Promise<number> {
  const script = new RegExp(
    `"evalsha" "\\w+" "\\d+" "bull:${name}:wait" "bull:${name}:active" "bull:${name}:priority"`,
  );
  let runs = 0;
  await monitored(redis.port, (line) => (runs += script.test(line) ? 1 : 0), work);
  return runs;
}

/**
 * Adds `count` jobs one after another, each 50 ms after the one before it completed: jobs that come one at a time,
 * each after the worker has settled into waiting (so that what it does between jobs is done before the next comes).
 */
async function oneAtATime(queue: Queue, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const done = new Promise((resolve) => queue.once('completed', resolve));
    await queue.add({ i });
    await done;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A job slot that finds the queue empty when it finishes a job goes straight to Bull's blocking wait
 * (`waitBlockingWhenDrained`), instead of running Bull's moveToActive script once more to find the same empty list.
 * Checked on a real Redis against a queue left as Bull makes it, so that a Bull whose job loop changed fails here.
 */
describe('a worker whose queue is drained waits for the next job at once (waitBlockingWhenDrained)', () => {
  let redis: RedisServer;
  const queues: Queue[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(() => redis.stop());

  function queueOf(name: string, processor: (job: Bull.Job<{ i: number }>) => Promise<unknown>, drainedWait: boolean) {
    const queue = new Bull<{ i: number }>(name, redis.url, {
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    queues.push(queue);
    if (drainedWait) waitBlockingWhenDrained(queue);
    void queue.process(2, processor);
    return queue;
  }

  it('runs moveToActive once per job that comes alone, where Bull as it is runs it twice', async () => {
    const echo = async (job: Bull.Job<{ i: number }>) => job.data.i;
    const plain = queueOf('plain', echo, false);
    const waiting = queueOf('waiting', echo, true);
    // One job each first: Bull sends each script in full the first time (EVAL), by its hash after (EVALSHA).
    await oneAtATime(plain, 1);
    await oneAtATime(waiting, 1);

    expect(await moveToActiveRuns(redis, 'plain', () => oneAtATime(plain, 10))).toBe(20);
    expect(await moveToActiveRuns(redis, 'waiting', () => oneAtATime(waiting, 10))).toBe(10);
  });

  it('still takes every job of a burst, failed ones among them, with both slots busy', async () => {
    const seen: number[] = [];
    const queue = queueOf(
      'burst',
      async (job) => {
        seen.push(job.data.i);
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (job.data.i % 5 === 0) throw new Error(`job ${job.data.i} fails`);
        return job.data.i;
      },
      true,
    );
    const completed: number[] = [];
    const failed: number[] = [];
    queue.on('completed', (job: Bull.Job<{ i: number }>) => completed.push(job.data.i));
    queue.on('failed', (job: Bull.Job<{ i: number }>) => failed.push(job.data.i));
    await Promise.all(Array.from({ length: 40 }, (_, i) => queue.add({ i })));
    const deadline = Date.now() + 20_000;
    while (completed.length + failed.length < 40 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(failed.sort((a, b) => a - b)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    expect(completed).toHaveLength(32);
    // And a job that comes after the burst, to a slot that a failed job left waiting, is taken too.
    const late = new Promise((resolve) => queue.once('completed', resolve));
    await queue.add({ i: 41 });
    await expect(late).resolves.toBeDefined();
  });
});
