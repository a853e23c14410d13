import { IncomingMessage } from 'node:http';
import { UfopBadRequestError, UfopRequestTimeoutError } from '../errors/ufop.errors';
import { bodyTimeoutMessage } from '../resources/resource.messages';
import { InputSink, InputSinkOptions, StoredInput, tooLargeMessage } from './input.sink';
import { sendContinueIfExpected } from '../http/expect-continue';

export { tooLargeMessage };

export interface ReadBodyOptions extends Omit<InputSinkOptions, 'declared'> {
  /** The whole body must arrive within this time; past it: 408. */
  timeoutMs: number;
}

/** The request's Content-Length, when it has a valid one. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const length = Number(raw);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Reads a request body within the limits of `InputSink` (size cap, byte budgets, spill to a temp file) and a
 * deadline (a body trickling in gets 408). A failure leaves the request paused with its listeners removed: the
 * error answer then discards what is left (see `discardRest`), so the client can read that answer. `100 Continue`
 * is sent here, only once the request has been routed and admitted: a request that will be refused is refused
 * before the client sends its body.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<StoredInput> {
  let sink: InputSink;
  try {
    sink = new InputSink({ ...options, declared: declaredLength(req) });
  } catch (error) {
    return Promise.reject(error);
  }
  sendContinueIfExpected(req);
  return new Promise<StoredInput>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(
      () => fail(new UfopRequestTimeoutError(bodyTimeoutMessage(options.timeoutMs))),
      options.timeoutMs,
    );

    const cleanup = () => {
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const fail = (error: unknown) => {
      if (done) return;
      cleanup();
      req.pause();
      void sink.abort().finally(() => reject(error));
    };
    const onData = (chunk: Buffer) => {
      try {
        const written = sink.write(chunk);
        if (!written) return;
        // Backpressure: the temp file takes the chunk before the socket is read further.
        req.pause();
        written.then(() => !done && req.resume(), fail);
      } catch (error) {
        fail(error);
      }
    };
    const onEnd = () => {
      if (done) return;
      cleanup();
      sink.finish().then(resolve, reject);
    };
    const onError = (error: Error) => fail(new UfopBadRequestError(`could not read request body: ${error.message}`));
    const onAborted = () => fail(new UfopBadRequestError('request aborted by the client'));

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
