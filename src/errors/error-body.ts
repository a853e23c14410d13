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
  if (error instanceof UfopError) {
    return { status: error.status, message: error.message, unexpected: false };
  }
  if (error instanceof HttpException) {
    return { status: error.getStatus(), message: httpExceptionMessage(error), unexpected: false };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: INTERNAL_ERROR_MESSAGE, unexpected: true };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return error.message;
}
