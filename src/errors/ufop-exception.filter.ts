import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toErrorBody } from './error-body';
import { UfopUnavailableError } from './ufop.errors';
import { discardRest } from '../http/request-drain';

/**
 * Answers every error as `{"error": message}` with its status. Unknown errors become a 500 with a generic
 * message and their stack goes to the log only. A 503 that says when to come back carries `Retry-After`. When the
 * request body was not read to its end (413, 503, 408, or a failure before reading), the answer is sent first and
 * the rest of the body is then read and discarded, within bounds, so that the client can read that answer.
 */
@Catch()
export class UfopExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Ufop');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { status, message, unexpected } = toErrorBody(exception);
    if (unexpected) {
      this.logger.error(`${req.method} ${req.originalUrl} failed`, (exception as Error)?.stack ?? String(exception));
    } else if (status >= HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.warn(`${req.method} ${req.originalUrl} → ${status} ${message}`);
    }
    if (res.headersSent) {
      // A streamed result failed half-way: the status is gone, so the only honest signal left is a cut connection.
      res.destroy();
      return;
    }
    if (exception instanceof UfopUnavailableError && exception.retryAfterSeconds !== undefined) {
      res.setHeader('retry-after', String(exception.retryAfterSeconds));
    }
    res.status(status).json({ error: message });
    discardRest(req);
  }
}
