import type { Queue } from 'bull';
import { UfopJobResult } from './ufop-job';

/** What the worker side hands back to a request of its own process: the outcome, with the output's bytes as they are. */
export type LocalOutcome =
  { result: UfopJobResult & { bytes: Buffer } } | { failure: { status: number; error: string } };

/**
 * Bytes handed between the web and the worker side of ONE process (`UFOP_ROLE=all`) without a trip through Redis.
 *
 * A job is still a Bull job like any other: recorded, visible to every worker. What changes is how the bytes travel
 * when this process's own worker takes a job this process's web side added:
 * - the input: the worker uses the web side's buffer, not a GET of the blob (or a read of the file) it would read
 *   back. While this process's worker is the only live one, the input is kept in memory only (`held`): not stored
 *   in Redis nor written in the handoff folder, where no other worker is there to read it. A worker that comes
 *   meanwhile and takes such a job asks for the input, which the web side then stores in Redis (`heldInput`);
 * - the output: the worker gives it straight to the waiting request, with no SET, PUBLISH or GET behind it.
 * A job another process takes, or one added by another process, goes through Redis (or the folder) as before.
 *
 * One per Bull queue (the web and worker sides of a process share the queue instance).
 */
export class LocalHandoff {
  private static readonly ofQueue = new WeakMap<Queue, LocalHandoff>();

  static of(queue: Queue): LocalHandoff {
    let handoff = LocalHandoff.ofQueue.get(queue);
    if (!handoff) LocalHandoff.ofQueue.set(queue, (handoff = new LocalHandoff()));
    return handoff;
  }

  /** Inputs of this process's jobs that no worker has taken yet, by job id. */
  private readonly inputs = new Map<string, Buffer>();
  /** The member of this process's worker in the live workers' set (`WorkerSlots`), once it advertises its slots. */
  ownWorker?: string;
  /** The web side's reply channel and its way to settle a job in memory, once it listens. */
  private receiver?: { channel: string; settle(jobId: string, outcome: LocalOutcome): boolean };

  /** The web side: jobs naming `channel` as their reply channel are settled through `settle` when run here. */
  receiveOn(channel: string, settle: (jobId: string, outcome: LocalOutcome) => boolean): void {
    this.receiver = { channel, settle };
  }

  /** The web side: the input of a job it adds, for this process's worker should it take the job. */
  offerInput(jobId: string, bytes: Buffer): void {
    this.inputs.set(jobId, bytes);
  }

  /** The web side: the request is over; a worker that takes the job now reads its input from Redis (or fails). */
  withdrawInput(jobId: string): void {
    this.inputs.delete(jobId);
  }

  /** The web side: the input it still holds for a job (a worker of another process asked for it), if any. */
  heldInput(jobId: string): Buffer | undefined {
    return this.inputs.get(jobId);
  }

  /** The worker side: the input this process's web side offered for the job, once (undefined: read it from Redis). */
  takeInput(jobId: string): Buffer | undefined {
    const bytes = this.inputs.get(jobId);
    if (bytes) this.inputs.delete(jobId);
    return bytes;
  }

  /** The worker side: whether a job's outcome goes to a request of this process (`deliver`), not through Redis. */
  isLocal(replyTo: string | undefined): boolean {
    return replyTo !== undefined && replyTo === this.receiver?.channel;
  }

  /** The worker side: settles the waiting request; false when it is no longer waiting (timed out, client gone). */
  deliver(jobId: string, outcome: LocalOutcome): boolean {
    return this.receiver?.settle(jobId, outcome) ?? false;
  }
}
