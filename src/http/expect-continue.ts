import { IncomingMessage, Server, ServerResponse } from 'node:http';

const EXPECTS_CONTINUE = Symbol('qiniu-ufop:expects-continue');

type Marked = IncomingMessage & { [EXPECTS_CONTINUE]?: ServerResponse };

/**
 * Node answers `Expect: 100-continue` with `100 Continue` before any code has looked at the request, so a client
 * uploads its whole body only to be told 413 or 503, and usually sees a reset instead (the server closes while it
 * is still sending). With a `checkContinue` listener Node leaves that to us: the request goes through routing and
 * admission first, and `100 Continue` is sent only when the body is about to be read (`sendContinueIfExpected`).
 * A request refused before that gets its final answer and never sends its body.
 */
export function deferContinue(server: Server): void {
  server.on('checkContinue', (req: Marked, res: ServerResponse) => {
    req[EXPECTS_CONTINUE] = res;
    server.emit('request', req, res);
  });
}

/** Sends `100 Continue` to a client that waits for it, once. */
export function sendContinueIfExpected(req: IncomingMessage): void {
  const marked = req as Marked;
  const res = marked[EXPECTS_CONTINUE];
  if (!res) return;
  marked[EXPECTS_CONTINUE] = undefined;
  if (!res.headersSent && !res.writableEnded) res.writeContinue();
}
