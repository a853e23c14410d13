import { AsyncLocalStorage } from 'node:async_hooks';

/** The stages of a request that are timed: read or download, wait for a slot or worker, handler, write. */
export const SPANS = ['input', 'queue', 'process', 'output'] as const;
export type UfopSpan = (typeof SPANS)[number];

/** `route` of a request that matched no handler: the metric label stays bounded whatever cmd is sent. */
export const NO_ROUTE = 'none';

/** Milliseconds since the epoch, with the sub-millisecond part: comparable across processes of one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * What is known about the request being served, reachable from anywhere in its async call tree. The controller and
 * executors fill it (`ufopContext()?.mark('input')`); the request-context middleware reads it when the response is
 * over, for the access-log line and the metrics. A queue worker runs each job inside a context of its own that
 * carries the web request's id, so its log lines can be matched with the web tier's.
 */
export class UfopRequestContext {
  /** The handler's route pattern, or `none`. */
  route: string = NO_ROUTE;
  inputBytes = 0;
  outputBytes = 0;
  readonly spans: Partial<Record<UfopSpan, number>> = {};
  readonly startedAt = nowMs();
  private cursor = this.startedAt;

  constructor(readonly reqid: string) {}

  /** Labels the request with its handler's route pattern (the metric label: bounded, unlike the cmd). */
  setRoute(pattern: string | RegExp): void {
    this.route = typeof pattern === 'string' ? pattern.replace(/^\/+|\/+$/g, '') : String(pattern);
  }

  /** The input is read or downloaded: ends the `input` span. */
  inputDone(bytes: number): void {
    this.inputBytes = bytes;
    this.mark('input');
  }

  /**
   * Ends `span` now (or at `at`, epoch ms, e.g. a time reported by a worker): its duration is the time since the
   * previous mark, or since the request arrived. Marks are sequential, so the spans add up to the request's time.
   */
  mark(span: UfopSpan, at = nowMs()): void {
    const end = Math.max(this.cursor, at);
    this.spans[span] = (this.spans[span] ?? 0) + (end - this.cursor);
    this.cursor = end;
  }
}

const storage = new AsyncLocalStorage<UfopRequestContext>();

/** The context of the request (or job) being served, if any. */
export function ufopContext(): UfopRequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `context` as the current request context. */
export function runInContext<T>(context: UfopRequestContext, fn: () => T): T {
  return storage.run(context, fn);
}
