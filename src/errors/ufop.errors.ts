import { HttpStatus } from '@nestjs/common';

/**
 * The error a handler (or the framework) throws to fail a request with a status and `{"error": message}`.
 * Any Nest `HttpException` works too; this class exists so the queue worker can carry the status across
 * processes without depending on Nest's exception hierarchy.
 */
export class UfopError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UfopBadRequestError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.BAD_REQUEST, message);
  }
}

export class UfopNotFoundError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.NOT_FOUND, message);
  }
}

export class UfopForbiddenError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.FORBIDDEN, message);
  }
}

export class UfopPayloadTooLargeError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.PAYLOAD_TOO_LARGE, message);
  }
}

export class UfopBadGatewayError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.BAD_GATEWAY, message);
  }
}

export class UfopTimeoutError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.GATEWAY_TIMEOUT, message);
  }
}

/** 503: the service cannot take the request now. With `retryAfterSeconds`, the answer carries `Retry-After`. */
export class UfopUnavailableError extends UfopError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(HttpStatus.SERVICE_UNAVAILABLE, message);
  }
}

/** 408: the client did not send its request (body included) in time. */
export class UfopRequestTimeoutError extends UfopError {
  constructor(message: string) {
    super(HttpStatus.REQUEST_TIMEOUT, message);
  }
}
