import { INTERNAL_ERROR_MESSAGE } from '../errors/error-body';
import { UfopError } from '../errors/ufop.errors';
import { QiniuHeaders } from '../input/qiniu-headers';

/**
 * Inputs and outputs up to this size travel inside the job and the reply (base64 in their JSON) rather than as
 * binary values of their own: that saves the SET, GET and DEL of a blob on each side, two round trips per job,
 * and costs less than them up to about this size (base64 is native code; it inflates by a third). Larger ones are
 * blobs, so that no JSON ever holds a large body.
 */
export const INLINE_BYTES = 32 * 1024;

/**
 * What a job carries through Redis: small JSON only. A small input rides along (`input.bytes`); a larger one waits
 * in a binary Redis value beside the job (`UfopBlobKeys.input`), never inside it, where Bull would JSON-encode it.
 */
export interface UfopJobData {
  handlerId: string;
  params: Record<string, string>;
  input: {
    contentType: string;
    cmd: string;
    command: string;
    url?: string;
    qiniu: QiniuHeaders;
    /** Bytes of the input; 0 means an empty body (and no blob). */
    size: number;
    /** The input itself, base64, when it is at most `INLINE_BYTES`: there is then no input blob. */
    bytes?: string;
    /**
     * The token of the handoff folder that holds the input (`HostHandoff`), instead of Redis: a worker of another
     * folder asks the web process for it (a `need` reply), which then stores it in Redis.
     */
    inFile?: string;
    /**
     * The web process holds the input in memory (`UFOP_ROLE=all`, its own worker the only live one when it added the
     * job): its worker takes it there; any other worker asks for it (a `need` reply), and it is stored in Redis then.
     */
    held?: true;
  };
  /** Epoch ms past which the web tier has answered 504: the worker fails the job rather than run it late. */
  deadline: number;
  /** The web request's id, so that the worker's log lines carry it (absent in jobs from older web processes). */
  reqid?: string;
  /** The reply channel of the web process waiting for this job: the worker publishes the outcome there only. */
  replyTo?: string;
  /**
   * The token of the web process's handoff folder (`HostHandoff`): a worker with the same token hands the output over
   * in a file there instead of Redis. Absent when the web process has none.
   */
  handoff?: string;
}

/**
 * What a worker publishes on a job's reply channel: its result (with a small output's bytes, or `inFile` when the
 * output waits in the handoff folder), or the status and message of its failure; or, before either, that it needs
 * the input in Redis (it was handed over in a folder the worker does not share, or held in the web process's memory),
 * and the channel where it waits to hear that the input is there (`InputAnswers`).
 */
export type UfopJobReply =
  | { id: string; result: UfopJobResult & { body?: string; inFile?: true } }
  | { id: string; failure: { status: number; error: string } }
  | { id: string; need: 'input'; answerTo?: string };

/** A job's return value, kept by Bull: the response minus its bytes, which go in the reply or the output blob. */
export interface UfopJobResult {
  status: number;
  headers: Record<string, string>;
  /** Bytes of the output; 0 means an empty body. Over `INLINE_BYTES` they wait in the output blob. */
  size: number;
  /** Epoch ms at which the worker started the handler: ends the request's `queue` span in the web tier. */
  startedAt?: number;
}

/** Key names of one job's blobs, under the queue's own prefix so that `obliterate`-style cleanups find them. */
export class UfopBlobKeys {
  /** `<prefix>:<queue>:`, the start of every key of the queue (Bull's own keys too). */
  private readonly queue: string;
  private readonly base: string;

  constructor(prefix: string, queueName: string) {
    this.queue = `${prefix}:${queueName}:`;
    this.base = `${this.queue}blob:`;
  }

  input(jobId: string): string {
    return `${this.base}${jobId}:in`;
  }

  output(jobId: string): string {
    return `${this.base}${jobId}:out`;
  }

  /** The workers' job slots, as they advertise them (`WorkerSlots`). */
  workers(): string {
    return `${this.queue}workers`;
  }

  /** The reply channel of one web process. */
  replyChannel(processId: string): string {
    return `${this.queue}reply:${processId}`;
  }

  /** The channel on which one worker hears the answers to its asks for inputs (`InputAnswers`). */
  inputAnswers(workerId: string): string {
    return `${this.queue}answers:${workerId}`;
  }

  /**
   * What the health check touches: a key of this queue's it writes and deletes at once, and Bull's `id` key, which it
   * reads. Under one hash tag with the queue's other keys, as a job's are.
   */
  healthProbe(): [string, string] {
    return [`${this.queue}health`, `${this.queue}id`];
  }

  /** The pattern that matches every blob of this queue (for tests and operators). */
  pattern(): string {
    return `${this.base}*`;
  }
}

/** Bull's own reason when a job was found without a live worker more often than `maxStalledCount` allows. */
export const STALLED_REASON = /stalled more than/i;
export const WORKER_LOST_MESSAGE = 'the worker running this request was lost';

/**
 * Bull keeps a failed job's reason as a string: the worker writes `{"status":…,"error":…}` so that the web tier
 * answers with the status and message the handler chose, exactly as inline mode would.
 */
export class UfopJobFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(JSON.stringify({ status, error }));
  }
}

export function encodeFailure(status: number, message: string): UfopJobFailure {
  return new UfopJobFailure(status, message);
}

export function decodeFailure(reason: unknown): UfopError {
  if (typeof reason === 'string') {
    try {
      const parsed = JSON.parse(reason) as { status?: unknown; error?: unknown };
      if (typeof parsed.status === 'number' && typeof parsed.error === 'string') {
        return new UfopError(parsed.status, parsed.error);
      }
    } catch {
      // not one of ours: Bull's own reasons are plain text
    }
    if (STALLED_REASON.test(reason)) return new UfopError(503, WORKER_LOST_MESSAGE);
  }
  return new UfopError(500, INTERNAL_ERROR_MESSAGE);
}
