import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toErrorBody } from './error-body';

/**
 * Answers every error as `{"error": message}` with its status. Unknown errors become a 500 with a generic
 * message and their stack goes to the log only. When the request body was not read to its end (413, or a
 * failure before reading), the connection is closed rather than left with bytes nobody will read.
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
    if (!req.complete) res.setHeader('connection', 'close');
    res.status(status).json({ error: message });
  }
}
