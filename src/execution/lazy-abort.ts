/**
 * The AbortSignal of a request or a job, made on first use: most handlers never look at it, and an AbortController
 * per request is a cost of its own. It is aborted when the request or job ends, with one shared reason (abort()
 * without one builds a DOMException, stack and all, each time), also when it is first asked for after the end.
 * `onFirstUse` hooks the end to whatever announces it (a response's `close`) only for the requests that need it.
 */
export class LazyAbort {
  private controller?: AbortController;
  private ended = false;

  constructor(
    private readonly reason: Error,
    private readonly onFirstUse?: (end: () => void) => void,
  ) {}

  /** The signal, made now if it was not yet. */
  readonly signal = (): AbortSignal => {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(this.reason);
      else this.onFirstUse?.(this.end);
    }
    return this.controller.signal;
  };

  /** The request or job is over: its signal, if made, is aborted; one made later is born aborted. */
  readonly end = (): void => {
    this.ended = true;
    this.controller?.abort(this.reason);
  };
}
