import { IncomingMessage } from 'node:http';
import { UfopBadRequestError, UfopPayloadTooLargeError } from '../errors/ufop.errors';

export const tooLargeMessage = (maxBytes: number) => `input is larger than the limit of ${maxBytes} bytes`;

/**
 * Reads a request body as raw bytes, up to `maxBytes`. A declared Content-Length over the cap is refused
 * before reading a byte; a stream that grows past it is paused at once, so the rest never reaches memory
 * (the error response closes the connection). With a Content-Length the bytes are copied once, into a
 * buffer of the right size, rather than gathered and concatenated.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
  if (declared !== undefined && declared > maxBytes) {
    return Promise.reject(new UfopPayloadTooLargeError(tooLargeMessage(maxBytes)));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const target = declared !== undefined && Number.isSafeInteger(declared) ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const fail = (error: Error) => {
      cleanup();
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > maxBytes || (target && received + chunk.length > target.length)) {
        return fail(
          received + chunk.length > maxBytes
            ? new UfopPayloadTooLargeError(tooLargeMessage(maxBytes))
            : new UfopBadRequestError('request body is longer than its Content-Length'),
        );
      }
      if (target) chunk.copy(target, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      if (target) {
        if (received !== target.length) return reject(new UfopBadRequestError('request body is shorter than its Content-Length'));
        return resolve(target);
      }
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => fail(new UfopBadRequestError(`could not read request body: ${error.message}`));
    const onAborted = () => fail(new UfopBadRequestError('request aborted by the client'));

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
