import { HttpException, HttpStatus } from '@nestjs/common';
import { UfopError } from './ufop.errors';

export interface ErrorBody {
  status: number;
  message: string;
  /** True when the error is not one we meant to show: log its stack, show a generic message. */
  unexpected: boolean;
}

export const INTERNAL_ERROR_MESSAGE = 'internal error';

/** Maps anything thrown to the status and message a client may see. Never exposes a stack. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof UfopError && isErrorStatus(error.status)) {
    return { status: error.status, message: error.message, unexpected: false };
  }
  if (error instanceof HttpException && isErrorStatus(error.getStatus())) {
    return { status: error.getStatus(), message: httpExceptionMessage(error), unexpected: false };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: INTERNAL_ERROR_MESSAGE, unexpected: true };
}

/** An error thrown with a status that is not an error status (200, 302, 1000) is a bug: treat it as one. */
function isErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 599;
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return error.message;
}
