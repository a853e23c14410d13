import { IncomingMessage } from 'node:http';

/** How much of a refused upload is read and thrown away so that the client can read the answer. */
export const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
export const DISCARD_MAX_MS = 5_000;

/**
 * After an error answer to a request whose body was not read to its end (413, 503, 408, a bad cmd): closing the
 * socket at once, with the client's bytes still arriving, makes the kernel reset the connection, and the client
 * sees "broken pipe" or "connection reset" instead of the answer. So the rest of the body is read and discarded,
 * up to `maxBytes` or `maxMs`, which gives the client time to read the answer and stop sending; only past those
 * bounds is the connection cut. A body read to its end leaves the connection usable for the next request.
 */
export function discardRest(req: IncomingMessage, maxBytes = DISCARD_MAX_BYTES, maxMs = DISCARD_MAX_MS): void {
  if (req.complete || req.destroyed) return;
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.socket?.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) stop();
  };
  const timer = setTimeout(stop, maxMs);
  timer.unref();
  req.on('data', onData);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
