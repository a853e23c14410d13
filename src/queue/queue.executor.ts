import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { UfopError, UfopTimeoutError, UfopUnavailableError } from '../errors/ufop.errors';
import { handlerTimeoutMessage } from '../execution/inline.executor';
import { UfopExecutor, UfopInvocation } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { afterSent, UfopResponse } from '../output/ufop-response';
import { webBuffers } from '../resources/buffer-pool';
import { releaseInputBytes } from '../input/ufop-input';
import { describeRedis, redisTopology } from './redis-topology';
import { redisRefusal } from './redis-refusal';
import { INLINE_BYTES, UfopBlobKeys, UfopJobData, UfopJobReply, UfopJobResult } from './ufop-job';
import { QueueDepth } from './queue-depth';
import { maxQueuedFloor } from './queue-bound';
import { isRedisReady, waitForRedis } from './redis-connection';
import { RedisBlobStore } from './redis-blob.store';
import { inputAnswerMessage } from './input-answers';
import { LocalHandoff } from './local-handoff';
import { HANDOFF_MAX_BYTES, HostHandoff, hostHandoffFor } from './host-handoff';
import { noWorkersMessage, noWorkerTookMessage, workersBackMessage } from './ufop-queue.messages';
import { ufopContext } from '../observability/request-context';
import { raceDeadline } from '../execution/deadline';
import { commandConnection, subscriberConnection } from './bull-connections';

export const REDIS_UNAVAILABLE_MESSAGE = 'the job queue is unavailable: Redis cannot be reached';
/** Redis answered, with an error reply (the log says which and what to do; the client needs only that it failed). */
export const REDIS_REFUSED_MESSAGE = 'the job queue is unavailable: Redis refused the job';
export const REDIS_LOST_MESSAGE =
  'the job queue became unavailable while this request was running: Redis connection lost';
const CLIENT_GONE_MESSAGE = 'the client went away';

/**
 * The health check: a write among the queue's keys that leaves nothing behind, beside a read of Bull's `id` key. A
 * Redis that answers PING can still refuse every job: a replica (READONLY), one past maxmemory (OOM), a Cluster node
 * (MOVED, or CROSSSLOT when the prefix has no hash tag); this is refused the same way, so /health says so too.
 */
const WRITE_PROBE = "redis.call('set', KEYS[1], '1'); redis.call('del', KEYS[1]); return redis.call('exists', KEYS[2])";
const HEALTH_TIMEOUT_MS = 1000;

/** How a job's outcome reaches its request: a small output's bytes in base64 (a reply), or as they are (in memory). */
type Settled = UfopJobResult & { body?: string; bytes?: Buffer; inFile?: true };

/**
 * What a request may leave behind, and so what its end deletes: its input in Redis (stored for any worker, or later
 * for a worker that asked for it: `serveInput`), its input's file in the handoff folder, and its output's file (a
 * worker of this machine may write one even for a job given up on). Kept with the request's wait, where `serveInput`
 * finds it.
 */
interface Leftovers {
  inputBlob: boolean;
  inputFile: boolean;
  outputFile: boolean;
}

interface Pending {
  resolve(result: Settled): void;
  reject(error: Error): void;
  leftovers: Leftovers;
}

/**
 * Runs handlers on workers through the Bull queue. A small input rides in the job (base64); a larger one goes to
 * Redis as a binary value with a TTL, beside a job of JSON metadata. The web tier learns of the end on a reply
 * channel of its own: each job names its web process's channel (`replyTo`), the worker publishes the outcome there
 * (with a small output's bytes), and this process matches it against a map of pending job ids. So a web process
 * hears of its own jobs only — not of every job of every web process, as Bull's global events would make it —
 * without polling and without `job.finished()` per request. Blobs are deleted when the request ends, however it ends.
 * With UFOP_ROLE=all, a job that this process's own worker runs takes its input from memory and settles its request
 * in memory, output included (`LocalHandoff`); the input is stored all the same, for any other process's worker.
 */
export class QueueExecutor implements UfopExecutor, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('UfopQueue');
  private readonly pending = new Map<string, Pending>();
  private readonly keys: UfopBlobKeys;
  private listening?: Promise<void>;
  private readonly replyChannel: string;
  private readonly depth: QueueDepth;
  /** With UFOP_ROLE=all, the jobs this process's own worker runs hand their bytes over in memory. */
  private readonly handoff?: LocalHandoff;
  /** The folder through which this process and the workers of its machine hand bytes over (`HostHandoff`). */
  private readonly host?: HostHandoff;
  private readonly onReply = (channel: string, message: string) => {
    if (channel === this.replyChannel) this.settle(message);
  };
  private readonly onConnectionLost = () => this.failAll(new UfopUnavailableError(REDIS_LOST_MESSAGE));

  constructor(
    private readonly queue: Queue,
    private readonly options: UfopOptions,
  ) {
    this.keys = new UfopBlobKeys(options.queuePrefix, options.queueName);
    this.replyChannel = this.keys.replyChannel(randomUUID());
    this.depth = new QueueDepth(queue, this.keys.workers(), options.maxQueued, maxQueuedFloor(options), (slots) =>
      slots > 0
        ? this.logger.log(workersBackMessage(options.queueName, slots))
        : this.logger.warn(noWorkersMessage(options.queueName, options.handlerTimeoutMs)),
    );
    if (options.role === 'all') this.handoff = LocalHandoff.of(queue);
    this.host = hostHandoffFor(options, (message) => this.logger.warn(message));
  }

  private get client(): Redis {
    return commandConnection(this.queue);
  }

  private get subscriber(): Redis {
    // Bull's subscriber connection (public at run time, missing from its typings).
    return subscriberConnection(this.queue);
  }

  async onModuleInit(): Promise<void> {
    const where = describeRedis(redisTopology(this.options));
    try {
      await waitForRedis(this.queue, this.options.redisConnectTimeoutMs, where);
      // A worker-only process sends no jobs: it needs no subscription until something calls execute().
      if (this.options.role !== 'worker') await this.listen();
    } catch (error) {
      // Stop Bull's reconnection loop, or the failed process would never exit.
      await this.queue.close(true).catch(() => undefined);
      throw error;
    }
    this.logger.log(`queue ${this.options.queueName} on ${where} (${this.options.role} role)`);
  }

  onApplicationShutdown(): void {
    // The HTTP server has drained by now (Nest closes it before this hook); anything left cannot be answered.
    this.failAll(new UfopUnavailableError('the server is shutting down'));
    this.client.off?.('close', this.onConnectionLost);
    this.subscriber.off?.('close', this.onConnectionLost);
    this.subscriber.off?.('message', this.onReply);
  }

  async checkHealth(): Promise<void> {
    if (!this.isConnected()) throw new Error(REDIS_UNAVAILABLE_MESSAGE);
    try {
      await raceDeadline(
        this.client.eval(WRITE_PROBE, 2, ...this.keys.healthProbe()),
        HEALTH_TIMEOUT_MS,
        () => new Error(`Redis did not answer within ${HEALTH_TIMEOUT_MS} ms`),
      );
    } catch (error) {
      const refusal = redisRefusal(error);
      throw refusal ? new Error(`Redis refuses the queue's writes: ${refusal}`) : error;
    }
  }

  async execute(invocation: UfopInvocation): Promise<UfopResponse> {
    // Fail fast while Redis is away: the client gets a 503 now, not a hung request.
    if (!this.isConnected()) throw new UfopUnavailableError(REDIS_UNAVAILABLE_MESSAGE);
    await this.listen();
    // Backpressure: past UFOP_MAX_QUEUED waiting jobs, refuse now, before the input goes to Redis.
    await this.depth.admit();
    try {
      return await this.enqueue(invocation);
    } finally {
      this.depth.release();
    }
  }

  private async enqueue(invocation: UfopInvocation): Promise<UfopResponse> {
    const jobId = randomUUID();
    const { input } = invocation;
    // A small input rides in the job: no blob to store, fetch and delete.
    const inline = !input.onDisk && input.size <= INLINE_BYTES;
    // What this request's end deletes, as it becomes known: an output file may be written by a worker of this machine
    // until the outcome says otherwise (even for a job given up on), so it is looked for unless the outcome says none.
    const leftovers: Leftovers = {
      inputBlob: input.size > 0 && !inline,
      inputFile: false,
      outputFile: this.host !== undefined,
    };
    const timeoutMs = this.options.handlerTimeoutMs;
    const data: UfopJobData = {
      handlerId: invocation.handlerId,
      params: invocation.params,
      input: {
        contentType: input.contentType,
        cmd: input.cmd,
        command: input.command,
        url: input.url,
        qiniu: input.qiniu,
        size: input.size,
        bytes: inline ? input.body.toString('base64') : undefined,
      },
      deadline: Date.now() + timeoutMs,
      replyTo: this.replyChannel,
      handoff: this.host?.scope,
      reqid: ufopContext()?.reqid, // the worker logs under the same id
    };

    // Registered before the job exists: its completed event may come back before `add` resolves.
    const done = new Promise<Settled>((resolve, reject) => this.pending.set(jobId, { resolve, reject, leftovers }));
    // It may settle (client gone, Redis lost) while `add` is still under way: handled below, never unhandled.
    done.catch(() => undefined);
    // Past the deadline the web tier stops waiting, and removes the job if no worker has taken it (`timeOut`); a
    // running job is failed by its worker at the same deadline, so it is recorded as failed with the same 504.
    const timer = setTimeout(() => this.timeOut(jobId, timeoutMs), timeoutMs);
    const onAbort = () => this.abandon(jobId, new UfopError(499, CLIENT_GONE_MESSAGE), true);
    input.signal.addEventListener('abort', onAbort, { once: true });
    let cleaned = false;
    try {
      if (input.onDisk) {
        // A large input goes up in pieces from its temp file, all of it before the job exists.
        await this.blobStore().putStream(this.keys.input(jobId), input.stream());
        await this.queue.add(data, { jobId });
      } else {
        // The input goes on the blob connection, not Bull's: Redis must have it before any worker can see the job.
        if (leftovers.inputBlob) {
          const body = input.body;
          // For this process's own worker (UFOP_ROLE=all); stored as well unless it is the only live worker: the
          // worker of any process may take the job.
          this.handoff?.offerInput(jobId, body);
          if (this.holdsInput()) {
            data.input.held = true;
            leftovers.inputBlob = false; // nothing in Redis (unless a worker of another process asks: `serveInput`)
            input[releaseInputBytes]();
          } else if (this.handIn(jobId, body)) {
            data.input.inFile = this.host!.scope;
            leftovers.inputBlob = false; // as above, for a worker of another folder
            leftovers.inputFile = true;
            input[releaseInputBytes]();
          } else {
            const stored = this.blobStore().put(this.keys.input(jobId), body);
            // The socket holds the bytes until the kernel has them; nothing else needs them (see `releaseInputBytes`).
            input[releaseInputBytes]();
            await stored;
          }
          // Redis (or the folder) has all of it, so the socket is done with it: it serves another request's input or
          // output (a buffer of a web-only process's pool; the pool ignores any other). One held in memory is not.
          if (!data.input.held) webBuffers.release(body);
        }
        await this.queue.add(data, { jobId });
      }
      const result = await done;
      leftovers.outputFile = result.inFile === true;
      // A worker of another process freed the input's file, or had it sent through Redis (then it is gone); this
      // process's own worker took the input from memory and left the file.
      if (!result.bytes) leftovers.inputFile = false;
      if (result.startedAt) ufopContext()?.mark('queue', result.startedAt); // the wait for a worker
      // Run by this process's own worker: the output is here already (its input blob goes in `cleanUp`).
      if (result.bytes) return { status: result.status, headers: result.headers, body: result.bytes };
      if (result.size > this.options.spillBytes) {
        // A large result is streamed to the client piece by piece; its blobs are deleted once it has been read.
        cleaned = true;
        const body = this.blobStore().stream(this.keys.output(jobId), result.size, () =>
          this.cleanUp(jobId, leftovers),
        );
        return { status: result.status, headers: { ...result.headers, 'content-length': String(result.size) }, body };
      }
      const body = await this.takeOutput(jobId, result, leftovers.inputBlob);
      cleaned = true;
      // Read into a pooled buffer: given back once the response is in the kernel (the HTTP controller calls this).
      const release = webBuffers.lent(body) ? () => webBuffers.release(body) : undefined;
      return { status: result.status, headers: result.headers, body, [afterSent]: release };
    } catch (error) {
      this.pending.delete(jobId);
      if (error instanceof UfopError) throw error;
      // Redis refused a command (an error reply): the log says why, and what to do.
      const refusal = redisRefusal(error);
      if (refusal) {
        this.logger.warn(`job ${jobId}: ${refusal}`);
        throw new UfopUnavailableError(REDIS_REFUSED_MESSAGE);
      }
      // A Redis command failed (connection lost mid-request): the queue is what is unavailable.
      this.logger.warn(`job ${jobId}: ${(error as Error)?.message ?? String(error)}`);
      throw new UfopUnavailableError(REDIS_UNAVAILABLE_MESSAGE);
    } finally {
      clearTimeout(timer);
      input.signal.removeEventListener('abort', onAbort);
      this.handoff?.withdrawInput(jobId);
      if (!cleaned) this.cleanUp(jobId, leftovers);
    }
  }

  private blobStore(): RedisBlobStore {
    return RedisBlobStore.of(this.client, this.options.handlerTimeoutMs);
  }

  private isConnected(): boolean {
    return isRedisReady(this.client) && isRedisReady(this.subscriber);
  }

  /** Subscribes once, to this process's own reply channel (on Bull's subscriber connection). */
  private listen(): Promise<void> {
    this.listening ??= (async () => {
      this.subscriber.on('message', this.onReply);
      await this.subscriber.subscribe(this.replyChannel);
      this.handoff?.receiveOn(this.replyChannel, (jobId, outcome) => this.complete(jobId, outcome));
      // Events published while a connection is down are lost for good: fail those requests at once (503)
      // rather than let them wait for their timeout.
      this.client.on('close', this.onConnectionLost);
      this.subscriber.on('close', this.onConnectionLost);
    })();
    return this.listening;
  }

  private settle(message: string): void {
    let reply: UfopJobReply;
    try {
      reply = JSON.parse(message) as UfopJobReply;
    } catch {
      return this.logger.warn(`unreadable reply on ${this.replyChannel}`);
    }
    if ('need' in reply) void this.serveInput(reply.id, reply.answerTo);
    else this.complete(reply.id, reply);
  }

  /**
   * Hands a job's input over in the handoff folder, when every live worker shares it (as last read, within a
   * second) and the input is one a file holds: false, and the input goes to Redis, otherwise or when the write fails.
   */
  private handIn(jobId: string, body: Buffer): boolean {
    const host = this.host;
    if (!host || body.length > HANDOFF_MAX_BYTES || !this.depth.sharedBy(host.scope)) return false;
    return host.tryWrite(jobId, 'in', body, (message) => this.logger.warn(message));
  }

  /**
   * Keeps a job's input in memory only, for this process's own worker (UFOP_ROLE=all), while that worker is the only
   * live one (as last read, within a second): no other worker is there to read it from Redis or the folder.
   */
  private holdsInput(): boolean {
    const own = this.handoff?.ownWorker;
    return own !== undefined && this.depth.onlyWorker(own);
  }

  /**
   * A worker that does not share this process's folder took a job whose input is there, or a worker of another
   * process took a job whose input this process held in memory (it came after the input was written or kept): the
   * input goes to Redis for it, from the file or the memory, and the worker hears on its channel (`answerTo`) that it
   * is there, or that it will not be (the request is over, the file is gone): then its job fails at once.
   */
  private async serveInput(jobId: string, answerTo?: string): Promise<void> {
    const answer = (stored: boolean) => {
      if (answerTo)
        this.client.publish(answerTo, inputAnswerMessage(jobId, stored ? 'stored' : 'gone')).catch(() => undefined);
    };
    if (!this.pending.has(jobId)) return answer(false);
    const held = this.handoff?.heldInput(jobId);
    if (!held && !this.host) return answer(false);
    try {
      const bytes = held ?? this.host!.read(jobId, 'in');
      const key = this.keys.input(jobId);
      await this.blobStore().put(key, bytes);
      // The request deletes the input at its end. One that ended while the input was on its way did not know to: it is
      // deleted here, and the worker told that it will not come. Otherwise the worker hears that Redis has it (its OK
      // came back) and reads it then.
      const waiting = this.pending.get(jobId);
      if (waiting) waiting.leftovers.inputBlob = true;
      else this.client.del(key).catch(() => undefined);
      answer(waiting !== undefined);
      if (held) this.handoff!.withdrawInput(jobId);
      else this.host!.discard(jobId, 'in');
      this.logger.log(
        held
          ? `job ${jobId}: its worker is another process: input sent through Redis`
          : `job ${jobId}: its worker uses another handoff folder: input sent through Redis`,
      );
    } catch (error) {
      this.logger.warn(`job ${jobId}: input not sent through Redis: ${(error as Error).message}`);
      answer(false);
    }
  }

  /**
   * Ends the wait for a job: with its result (a reply's, or one this process's own worker handed over in memory,
   * bytes and all) or its failure. False when the job is no longer waited for (timeout, client gone).
   */
  private complete(
    jobId: string,
    outcome: { result: Settled } | { failure: { status: number; error: string } },
  ): boolean {
    const waiting = this.pending.get(jobId);
    if (!waiting) return false;
    this.pending.delete(jobId);
    if ('result' in outcome) waiting.resolve(outcome.result);
    else waiting.reject(new UfopError(outcome.failure.status, outcome.failure.error));
    return true;
  }

  /**
   * Stops waiting for a job (timeout, client gone). When the client went away, a job still waiting is removed so
   * that no worker spends time on it; one already running finishes (JavaScript cannot stop it from here).
   */
  private abandon(jobId: string, error: Error, removeIfWaiting = false): void {
    const waiting = this.pending.get(jobId);
    if (!waiting) return;
    this.pending.delete(jobId);
    waiting.reject(error);
    if (removeIfWaiting) void this.removeIfWaiting(jobId);
  }

  /**
   * The handler timeout is up. A job that no worker has taken yet is removed (no worker should start it now) and
   * the client told that no worker took it, which is what went wrong, not the handler; a running job fails with the
   * handler's timeout (its worker fails it too, at the same deadline). The check is one round trip, bounded by 1 s.
   */
  private timeOut(jobId: string, timeoutMs: number): void {
    if (!this.pending.has(jobId)) return;
    void raceDeadline(this.removeIfWaiting(jobId), 1000, () => new Error('no answer from Redis'))
      .catch(() => false)
      .then((removed) =>
        this.abandon(
          jobId,
          new UfopTimeoutError(removed ? noWorkerTookMessage(timeoutMs) : handlerTimeoutMessage(timeoutMs)),
        ),
      );
  }

  /** Removes a job that is still waiting for a worker: true if it was. A worker that takes it meanwhile keeps it. */
  private async removeIfWaiting(jobId: string): Promise<boolean> {
    try {
      const job = await this.queue.getJob(jobId);
      if (!job || (await job.getState()) !== 'waiting') return false;
      await job.remove();
      return true;
    } catch {
      return false; // taken by a worker meanwhile (locked): it runs to its end
    }
  }

  /**
   * The output: from the reply when it came in it, from the handoff folder when the worker left it there, else read
   * from its blob, deleting both blobs in one round trip.
   */
  private async takeOutput(jobId: string, result: Settled, hadInput: boolean): Promise<Buffer> {
    const input = this.keys.input(jobId);
    if (result.body !== undefined || result.size === 0 || result.inFile) {
      if (hadInput) this.client.del(input).catch(() => undefined);
      if (result.inFile) return this.takeHandedOver(jobId, result.size);
      return result.body ? Buffer.from(result.body, 'base64') : Buffer.alloc(0);
    }
    const bytes = await this.blobStore().take(this.keys.output(jobId), hadInput ? [input] : [], webBuffers.acquire);
    if (!bytes) throw new UfopUnavailableError('the result of this request expired before it could be read');
    return bytes;
  }

  /** An output a worker of this machine wrote in the handoff folder (read into a pooled buffer). */
  private takeHandedOver(jobId: string, size: number): Buffer {
    try {
      if (!this.host) throw new Error('this process has no handoff folder');
      return this.host.take(jobId, 'out', size, webBuffers.acquire);
    } catch (error) {
      this.logger.warn(`job ${jobId}: output not read from the handoff folder: ${(error as Error).message}`);
      throw new UfopUnavailableError('the result of this request could not be read from the handoff folder');
    }
  }

  /** Deletes what this request left (`Leftovers`); output blobs are read and deleted in one step by `takeOutput`. */
  private cleanUp(jobId: string, leftovers: Leftovers): void {
    // An output no one read (the request failed or ended first) is deleted now, as is an input no worker freed.
    if (leftovers.outputFile) this.host?.discard(jobId, 'out');
    if (leftovers.inputFile) this.host?.discard(jobId, 'in');
    if (!isRedisReady(this.client)) return; // the TTL will do it
    // A large output may have been stored though the request ended first (a timeout, the client gone).
    const keys = [this.keys.output(jobId)];
    if (leftovers.inputBlob) keys.push(this.keys.input(jobId));
    this.client.del(...keys).catch(() => undefined);
  }

  private failAll(error: Error): void {
    for (const [jobId, waiting] of this.pending) {
      this.pending.delete(jobId);
      waiting.reject(error);
    }
  }
}
