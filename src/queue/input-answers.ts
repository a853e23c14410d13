import type { Redis } from 'ioredis';

/** What a web process answers a worker that asked for a job's input: it is in Redis now, or it will not be. */
export type InputAnswer = 'stored' | 'gone';

/** The message a web process publishes on the asking worker's channel. */
export function inputAnswerMessage(jobId: string, answer: InputAnswer): string {
  return JSON.stringify({ id: jobId, input: answer });
}

/** A wait for the answer about one job: `answer` settles with it, or with 'timeout'; `cancel` ends it unanswered. */
export interface InputAnswerWait {
  answer: Promise<InputAnswer | 'timeout'>;
  cancel(): void;
}

/**
 * Where a worker hears the answers to its asks for inputs (`askForInput`): a channel of its own, subscribed once on
 * Bull's subscriber connection, which a worker holds already (Bull listens there for delayed jobs), and the jobs
 * waiting for an answer. The web process publishes there once it has stored the input in Redis, or that it cannot,
 * so the worker reads the input once, when it is there, instead of looking for it again and again; and a web
 * process that cannot send it fails the job at once rather than at the end of the wait.
 */
export class InputAnswers {
  private readonly waiting = new Map<string, (answer: InputAnswer | 'timeout') => void>();
  private subscribed?: Promise<void>;
  private readonly onMessage = (channel: string, message: string) => {
    if (channel === this.channel) this.hear(message);
  };

  constructor(
    private readonly subscriber: Pick<Redis, 'on' | 'off' | 'subscribe'>,
    readonly channel: string,
  ) {}

  /** Subscribes the channel, once; a subscription that failed (Redis away) is tried again by the next ask. */
  listen(): Promise<void> {
    this.subscribed ??= (async () => {
      this.subscriber.on('message', this.onMessage);
      await this.subscriber.subscribe(this.channel);
    })().catch((error: unknown) => {
      this.subscriber.off('message', this.onMessage);
      this.subscribed = undefined;
      throw error;
    });
    return this.subscribed;
  }

  /** Waits at most `ms` for the answer about `jobId`. Call it before the ask is published, so no answer comes first. */
  wait(jobId: string, ms: number): InputAnswerWait {
    let settle!: (answer: InputAnswer | 'timeout') => void;
    const answer = new Promise<InputAnswer | 'timeout'>((resolve) => (settle = resolve));
    const timer = setTimeout(() => end('timeout'), ms);
    const end = (outcome: InputAnswer | 'timeout') => {
      if (this.waiting.get(jobId) !== end) return;
      this.waiting.delete(jobId);
      clearTimeout(timer);
      settle(outcome);
    };
    this.waiting.set(jobId, end);
    return { answer, cancel: () => end('timeout') };
  }

  /** An answer heard on the channel; one for no job waited for (it came after the wait ended) is dropped. */
  hear(message: string): void {
    let parsed: { id?: unknown; input?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed?.id !== 'string' || (parsed.input !== 'stored' && parsed.input !== 'gone')) return;
    this.waiting.get(parsed.id)?.(parsed.input);
  }
}
