import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import type { Job, Queue } from 'bull';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { toErrorBody } from '../errors/error-body';
import { UfopTimeoutError } from '../errors/ufop.errors';
import { handlerTimeoutMessage } from '../execution/inline.executor';
import { UfopDispatcher } from '../execution/ufop.dispatcher';
import { UfopInput } from '../input/ufop-input';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopSlots } from '../interfaces/ufop-slots.interface';
import { newRequestId } from '../observability/request-id';
import { nowMs, runInContext, UfopRequestContext } from '../observability/request-context';
import { UFOP_CONFIG } from '../ufop.constants';
import { UFOP_QUEUE_TOKEN } from './ufop-queue.constants';
import {
  encodeFailure,
  INLINE_BYTES,
  STALLED_REASON,
  UfopBlobKeys,
  UfopJobFailure,
  UfopJobData,
  UfopJobReply,
  UfopJobResult,
  WORKER_LOST_MESSAGE,
} from './ufop-job';
import { RedisBlobStore } from './redis-blob.store';
import { LocalHandoff } from './local-handoff';
import { HANDOFF_MAX_BYTES, HostHandoff, hostHandoffFor } from './host-handoff';
import { WorkerSlots } from './worker-slots';
import { redisRefusal } from './redis-refusal';
import { RepeatLimiter } from '../logging/repeat-limiter';
import { InputAnswers } from './input-answers';
import { UfopAdmission } from '../resources/ufop-admission.service';
import { RequestTempFiles } from '../resources/temp-files';
import { BufferStream } from '../output/sized-stream';
import { raceDeadline } from '../execution/deadline';
import { LazyAbort } from '../execution/lazy-abort';
import { commandConnection, subscriberConnection } from './bull-connections';

const JOB_OVER = Object.freeze(new Error('the job is over'));

export const INPUT_GONE_MESSAGE = 'the input of this request is no longer in Redis (the request ended before it ran)';
/** How long a worker waits for a web process to store an input it asked for (`askForInput`). */
const INPUT_ASK_MS = 5_000;

/** How often the same error of Bull's is logged again while it repeats (with how many times it came meanwhile). */
const QUEUE_ERROR_WINDOW_MS = 10_000;

/**
 * The worker side of queue mode: ONE `process('*', concurrency, …)` per process (Bull adds up the concurrencies
 * of per-name processors, a known trap), routing each job to its handler through the same dispatcher inline mode
 * uses, so DI and request scopes behave the same. Stopping is Bull's `close()` (called by `UfopQueueCloser` at
 * shutdown): it takes no new job, waits for the running ones, then disconnects.
 */
@Injectable()
export class UfopQueueWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UfopQueue');
  /** Bull's `error` events, said once per window each. */
  private readonly queueErrors = new RepeatLimiter(QUEUE_ERROR_WINDOW_MS);
  private readonly keys: UfopBlobKeys;
  private running = 0;
  private processing = false;
  private advertised?: WorkerSlots;
  /** With UFOP_ROLE=all, jobs of this process's own web side take and give their bytes in memory. */
  private readonly handoff?: LocalHandoff;
  /** The folder through which this worker and the web processes of its machine hand bytes over (`HostHandoff`). */
  private host?: HostHandoff;
  /** Where this worker hears that an input it asked a web process for is in Redis (made at the first ask). */
  private answers?: InputAnswers;

  constructor(
    private readonly dispatcher: UfopDispatcher,
    private readonly admission: UfopAdmission,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    @Optional() @Inject(UFOP_QUEUE_TOKEN) private readonly queue?: Queue,
  ) {
    this.keys = new UfopBlobKeys(options.queuePrefix, options.queueName);
    if (options.role === 'all' && queue) this.handoff = LocalHandoff.of(queue);
  }

  onApplicationBootstrap(): void {
    if (this.options.mode !== 'queue' || this.options.role === 'web' || !this.queue) return;
    const concurrency = this.options.concurrency;
    // The promise settles only when the queue closes: errors while running are reported as 'error' events.
    this.processing = true;
    // Each job runs in a request context carrying the web request's id: every log line it writes has it.
    const handle = (job: Job<UfopJobData>) =>
      runInContext(new UfopRequestContext(job.data.reqid ?? newRequestId()), () => this.run(job));
    this.queue.process('*', concurrency, handle).catch((error: Error) => {
      this.logger.error(`worker stopped: ${error.message}`);
    });
    // A refusal (a replica's READONLY, say) is told with what it means. Bull emits one for each failed command of its
    // loops, several a second while Redis refuses or is gone: each line is said once per window, with a count.
    this.queue.on('error', (error: Error) => {
      const line = this.queueErrors.admit(`queue: ${redisRefusal(error) ?? error.message}`);
      if (line) this.logger.warn(line);
    });
    // A job whose worker died twice is failed by Bull's stalled-job check, which may run in this process: the web
    // process waiting for it must hear of it, with the status it would have had.
    this.queue.on('failed', (job: Job<UfopJobData> | null, error: Error) => {
      if (job && STALLED_REASON.test(error?.message ?? '')) {
        this.reply(job, { id: String(job.id), failure: { status: 503, error: WORKER_LOST_MESSAGE } });
      }
    });
    // The web processes size their backpressure to the slots of the live workers (the default UFOP_MAX_QUEUED).
    const client = commandConnection(this.queue);
    this.host = hostHandoffFor(this.options, (message) => this.logger.warn(message));
    const slots = new WorkerSlots(client, this.keys.workers(), concurrency, this.options.queueLockMs, this.host?.scope);
    this.advertised = slots;
    // The web side of this process keeps an input in memory only while this worker is the only live one.
    if (this.handoff) this.handoff.ownWorker = slots.member;
    slots.start();
    this.logger.log(`worker running up to ${concurrency} jobs at once`);
  }

  /** A draining worker takes no new job: its slots stop counting before Bull waits for the running ones. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.advertised?.stop();
  }

  /** This process's job slots (for the metrics), when it runs jobs. */
  get slots(): UfopSlots | undefined {
    if (!this.processing) return undefined;
    return { limit: this.options.concurrency, active: this.running, queued: 0 };
  }

  /**
   * Runs one job and publishes its outcome on the reply channel of the web process that waits for it (the job
   * names it), before Bull marks the job finished: the answer leaves as soon as it exists. A small output goes in
   * the reply itself; a large one was stored before, on the same connection, so Redis has it before the web process
   * can ask for it. Bull keeps the result without the bytes. A job of this very process's web side (UFOP_ROLE=all)
   * hands its outcome, output and all, to the waiting request in memory instead (`LocalHandoff`).
   */
  async run(job: Job<UfopJobData>): Promise<UfopJobResult> {
    const id = String(job.id);
    this.running++;
    const started = nowMs();
    let status = 500;
    const local = this.handoff?.isLocal(job.data?.replyTo) ? this.handoff : undefined;
    try {
      const { result, output } = await this.execute(job);
      status = result.status;
      // A request of this process: its output goes to it as it is (dropped if it is no longer waiting).
      if (output && local) local.deliver(id, { result: { ...result, bytes: output } });
      else if (output && output.length > INLINE_BYTES) {
        if (!this.handOver(job, output, { id, result: { ...result, inFile: true } })) {
          this.storeThenReply(job, output, { id, result });
        }
      } else this.reply(job, { id, result: output ? { ...result, body: output.toString('base64') } : result });
      return result;
    } catch (error) {
      const failure = error as UfopJobFailure;
      status = failure.status;
      const outcome = { failure: { status: failure.status, error: failure.error } };
      if (local) local.deliver(id, outcome);
      else this.reply(job, { id, ...outcome });
      throw failure;
    } finally {
      this.running--;
      // The worker's access-log line: with the web tier's line (same reqid) it tells where the time went. Written
      // after the reply has left: the connection writes the PUBLISH in an immediate queued before this one
      // (`batchWritesPerTick`); the line's synchronous writes (stdout, the log file) would delay it otherwise.
      const line = `job ${id} cmd=${job.data.input.cmd} status=${status} ms=${(nowMs() - started).toFixed(1)}`;
      setImmediate(() => this.logger.log(line));
    }
  }

  /** Publishes `reply` on the job's reply channel: how many listened (0 without a channel; undefined if it failed). */
  private reply(job: Job<UfopJobData>, reply: UfopJobReply): Promise<number | undefined> {
    const channel = job.data?.replyTo;
    if (!channel) return Promise.resolve(0);
    return commandConnection(this.queue!)
      .publish(channel, JSON.stringify(reply))
      .catch((error: Error) => {
        this.logger.warn(`job ${reply.id}: reply not published: ${error.message}`);
        return undefined;
      });
  }

  /**
   * Hands an output to a web process of this machine through the handoff folder they share, then replies: false
   * when it cannot (the job's web process uses another folder or none, the output is larger than the folder keeps,
   * a write failed), and the output goes through Redis instead.
   */
  private handOver(job: Job<UfopJobData>, output: Buffer, reply: UfopJobReply): boolean {
    const host = this.host;
    if (!host || job.data?.handoff !== host.scope || !job.data.replyTo || output.length > HANDOFF_MAX_BYTES) {
      return false;
    }
    if (!host.tryWrite(reply.id, 'out', output, (message) => this.logger.warn(message))) return false;
    this.reply(job, reply);
    return true;
  }

  /**
   * Stores an output held in memory and publishes the reply after it, on the blob connection: Redis runs the SET
   * first, so the web tier finds the output when it hears the reply, and no round trip is spent waiting in between.
   */
  private storeThenReply(job: Job<UfopJobData>, output: Buffer, reply: UfopJobReply): void {
    const key = this.keys.output(reply.id);
    const channel = job.data?.replyTo;
    const stored = channel
      ? this.blobStore().putThenPublish(key, output, channel, JSON.stringify(reply))
      : this.blobStore().put(key, output);
    stored.catch((error: Error) => this.logger.warn(`job ${reply.id}: output not stored: ${error.message}`));
  }

  private blobStore(): RedisBlobStore {
    return RedisBlobStore.of(commandConnection(this.queue!), this.options.handlerTimeoutMs);
  }

  /**
   * Runs one job: its result, with the output when it is in memory (a streamed one is stored in Redis by now); its
   * failure carries the status and message the client will see.
   */
  private async execute(job: Job<UfopJobData>): Promise<{ result: UfopJobResult; output?: Buffer }> {
    const { data } = job;
    const startedAt = nowMs();
    const jobId = String(job.id);
    const configured = this.options.handlerTimeoutMs;
    const remaining = Math.min(data.deadline - Date.now(), configured);
    if (remaining <= 0) throw encodeFailure(504, handlerTimeoutMessage(configured));
    const client = commandConnection(this.queue!);
    const blobs = this.blobStore();
    // Made on first use, as in inline mode: most handlers never look at their signal.
    const abort = new LazyAbort(JOB_OVER);
    const temp = new RequestTempFiles(this.admission.ensureTempDir());
    try {
      const { bytes: _bytes, ...described } = data.input;
      const { stored, done } = await this.inputOf(job, client, blobs, remaining, temp);
      const input = new UfopInput({ ...described, ...stored, signal: abort.signal, temp });
      const response = await raceDeadline(
        this.dispatcher.invoke({ handlerId: data.handlerId, params: data.params, input }),
        remaining,
        () => new UfopTimeoutError(handlerTimeoutMessage(configured)),
      );
      // The input is no longer needed (the handler has answered): its room in Redis or its file is freed before the
      // output takes some.
      done();
      let body = response.body;
      if (body instanceof BufferStream && !body.readableDidRead) body = body.buffer;
      if (!Buffer.isBuffer(body)) {
        // A streamed result (a large file, say) goes up in pieces, never whole in this process's memory.
        const size = await blobs.putStream(this.keys.output(jobId), body);
        const { ['content-length']: _length, ...headers } = response.headers;
        return { result: { status: response.status, headers, size } };
      }
      const result: UfopJobResult = {
        status: response.status,
        headers: response.headers,
        size: body.length,
        startedAt,
      };
      return { result, output: body };
    } catch (error) {
      if (error instanceof UfopJobFailure) throw error;
      const { status, message, unexpected } = toErrorBody(error);
      if (unexpected) this.logger.error(`${data.input.cmd} failed`, (error as Error)?.stack ?? String(error));
      throw encodeFailure(status, message);
    } finally {
      // As in inline mode: the request is over, a handler still running (past its deadline) should stop.
      abort.end();
      void temp.cleanup();
    }
  }

  /**
   * Where a job's input is, and what to do once its handler has answered (`done`):
   * - a small one rides in the job;
   * - one this process's web side still holds (UFOP_ROLE=all) is taken from it; its request ends now, and the web
   *   side deletes what it stored then. One it held in memory only and no longer holds belongs to a request that is
   *   over;
   * - one handed over in this worker's folder is read there and left in place until the handler has answered (a
   *   worker that takes the job again after this one died reads it too); a file no longer there was sent through Redis
   *   for a worker of another folder, or the request is over;
   * - one in a folder this worker does not share, or held in another process's memory, is asked for (`askForInput`);
   * - any other is in Redis, and is deleted there once the handler has answered.
   */
  private async inputOf(
    job: Job<UfopJobData>,
    client: Redis,
    blobs: RedisBlobStore,
    remaining: number,
    temp: RequestTempFiles,
  ): Promise<{ stored: { body: Buffer } | { file: { path: string; size: number } }; done: () => void }> {
    const { input, replyTo } = job.data;
    const jobId = String(job.id);
    const key = this.keys.input(jobId);
    const keep = () => undefined;
    const freeRedis = () => void client.del(key).catch(() => undefined);
    if (input.bytes !== undefined) return { stored: { body: Buffer.from(input.bytes, 'base64') }, done: keep };
    const local = this.handoff?.takeInput(jobId);
    if (local) return { stored: { body: local }, done: keep };
    if (input.held && this.handoff?.isLocal(replyTo)) throw encodeFailure(503, INPUT_GONE_MESSAGE);
    if (this.host && input.inFile === this.host.scope) {
      const host = this.host;
      try {
        return { stored: { body: host.read(jobId, 'in', input.size) }, done: () => host.release(jobId, 'in') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const body = await blobs.get(key);
      if (body === null) throw encodeFailure(503, INPUT_GONE_MESSAGE);
      return { stored: { body }, done: freeRedis };
    }
    if (input.inFile !== undefined || input.held) {
      return { stored: { body: await this.askForInput(job, blobs, key, remaining) }, done: freeRedis };
    }
    const stored = await this.takeInput(client, blobs, key, input.size, temp);
    return { stored, done: input.size > 0 ? freeRedis : keep };
  }

  /**
   * An input handed over in a folder this worker does not share, or held in the memory of a web process of another
   * process (it read the workers before this one came): the web process is asked for it on its reply channel, stores
   * it in Redis and says so on this worker's channel (`InputAnswers`), and the worker reads it then, waiting at most
   * `INPUT_ASK_MS`. A web process that is gone never answers: when no one listens on its channel (PUBLISH says how
   * many heard), the job fails at once, as it does when the web process answers that it cannot send the input.
   */
  private async askForInput(
    job: Job<UfopJobData>,
    blobs: RedisBlobStore,
    key: string,
    remaining: number,
  ): Promise<Buffer> {
    const jobId = String(job.id);
    const answers = this.inputAnswers();
    // Subscribed before the ask, so that the answer cannot come first.
    await answers.listen().catch(() => {
      throw encodeFailure(503, INPUT_GONE_MESSAGE);
    });
    const waiting = answers.wait(jobId, Math.min(remaining, INPUT_ASK_MS));
    const heard = await this.reply(job, { id: jobId, need: 'input', answerTo: answers.channel });
    if (heard === 0) {
      waiting.cancel();
      throw encodeFailure(503, INPUT_GONE_MESSAGE);
    }
    // A failed PUBLISH (Redis away) is not waited on: the one look below meets the same trouble, and ends the job.
    if (heard === undefined) waiting.cancel();
    if ((await waiting.answer) === 'gone') throw encodeFailure(503, INPUT_GONE_MESSAGE);
    // Stored, or no answer heard in time (one lost while the subscriber reconnected): one look in Redis.
    const body = await blobs.get(key);
    if (body === null) throw encodeFailure(503, INPUT_GONE_MESSAGE);
    return body;
  }

  /** This worker's channel for the answers to its asks, made at the first ask (on Bull's subscriber connection). */
  private inputAnswers(): InputAnswers {
    this.answers ??= new InputAnswers(subscriberConnection(this.queue!), this.keys.inputAnswers(randomUUID()));
    return this.answers;
  }

  /** The job's input: small ones in memory; large ones copied piece by piece to a temp file of this worker. */
  private async takeInput(
    client: Redis,
    blobs: RedisBlobStore,
    key: string,
    size: number,
    temp: RequestTempFiles,
  ): Promise<{ body: Buffer } | { file: { path: string; size: number } }> {
    if (size === 0) return { body: Buffer.alloc(0) };
    if (size <= this.options.spillBytes) {
      const body = await blobs.get(key);
      if (body === null) throw encodeFailure(503, INPUT_GONE_MESSAGE);
      return { body };
    }
    if ((await client.exists(key)) === 0) throw encodeFailure(503, INPUT_GONE_MESSAGE);
    const path = temp.newPath('.in');
    await blobs.toFile(key, size, path);
    return { file: { path, size } };
  }
}
