import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UfopMetrics } from '../metrics/ufop.metrics';
import { accessLogLine } from './access-log';
import { nowMs, runInContext, UfopRequestContext } from './request-context';
import { REQID_HEADER, requestId } from './request-id';
import { UfopRequestTracker } from './request.tracker';

/** Paths whose requests are UFOP requests (metrics, access log, drain); `/health` probes are not. */
const UFOP_PATHS = new Set(['/handler', '/uop']);

/**
 * First thing on every request: its id (the caller's `X-Reqid`, else a new one) goes on the response before
 * anything can fail, so errors carry it too, and the rest of the request runs inside its `UfopRequestContext`.
 * When a UFOP request's response is over (sent, failed, or the client went away) it writes the access-log line
 * and records the metrics, once.
 */
@Injectable()
export class UfopRequestContextMiddleware implements NestMiddleware {
  private readonly logger = new Logger('UfopAccess');

  constructor(
    private readonly metrics: UfopMetrics,
    private readonly tracker: UfopRequestTracker,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const context = new UfopRequestContext(requestId(req.headers[REQID_HEADER]));
    res.setHeader(REQID_HEADER, context.reqid);
    // originalUrl: a middleware mounted by Nest sees `req.path` relative to its mount point.
    if (!UFOP_PATHS.has(req.originalUrl.split('?')[0])) return runInContext(context, next);

    this.metrics.requestStarted();
    this.tracker.started();
    const socketBytesBefore = req.socket.bytesWritten;
    let over = false;
    const end = () => {
      if (over) return;
      over = true;
      const endedAt = nowMs();
      context.outputBytes = outputBytes(res, req.socket.bytesWritten - socketBytesBefore);
      // Output is the writing of the answer of a request that was processed; an early refusal has no output span.
      if (context.spans.process !== undefined) context.mark('output', endedAt);
      // 499 (nginx's convention): the client closed the connection before the answer was complete.
      const status = res.writableFinished ? res.statusCode : 499;
      this.metrics.requestEnded();
      this.metrics.record(context, status, endedAt);
      runInContext(context, () => this.logger.log(accessLogLine(context, status, endedAt)));
      this.tracker.ended();
    };
    // 'close' comes last in every case (after 'finish' when the answer was complete): one listener is enough.
    res.once('close', end);
    runInContext(context, next);
  }
}

/**
 * The answer's size: its Content-Length (every buffered answer and error has one), else, for a streamed answer, the
 * bytes written to the connection for it (headers and chunk framing included). Read once at the end: wrapping
 * `write`/`end` to count would cost every answer a little for the rare streamed one.
 */
function outputBytes(res: Response, socketBytes: number): number {
  const length = Number(res.getHeader('content-length'));
  return Number.isFinite(length) ? length : Math.max(0, socketBytes);
}
