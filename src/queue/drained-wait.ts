import type { Job, Queue } from 'bull';

/** The parts of Bull's queue that decide how a job slot waits for its next job (not in Bull's typings). */
interface JobLoop {
  /** Runs a job; resolves with the next job when finishing it fetched one (Bull's "fetch next"), else null. */
  processJob(job: Job | null, notFetch?: boolean): Promise<Job | null | undefined>;
  /** When true, a job slot waits for its next job with a blocking pop; when false, it first asks with a script. */
  drained: boolean;
}

/** Queues already done. */
const done = new WeakSet<Queue>();

/**
 * Makes a job slot that found the queue empty when it finished a job wait for the next one at once, with Bull's
 * blocking pop, instead of asking for one first.
 *
 * Finishing a job already asks Redis for the next one (the same script that marks the job completed pops the wait
 * list). When that pop finds nothing, Bull still runs its `moveToActive` script once more, which pops the same empty
 * list, publishes a "drained" event nobody here listens to, and only then blocks: a round trip, a script and a
 * publish per job whenever jobs come one at a time, all of it work for the worker process and for Redis after the
 * answer has gone. Here the slot is marked drained as soon as the job it ran brings no next job back, so it goes
 * straight to the blocking pop, which returns at once if a job came meanwhile: nothing is waited for that the extra
 * script would have found. After a failed job (Bull fetches no next job then) the same holds: a waiting job is
 * taken by the blocking pop instead of the script, one round trip more than Bull's way, on the rare failed job only.
 */
export function waitBlockingWhenDrained(queue: Queue): void {
  if (done.has(queue)) return;
  done.add(queue);
  const loop = queue as unknown as JobLoop;
  const processJob = loop.processJob;
  // Bull binds `processJob` to the queue in its constructor and reads the property each time a slot runs a job.
  loop.processJob = (job, notFetch) =>
    processJob(job, notFetch).then((next) => {
      if (!next) loop.drained = true;
      return next;
    });
}
