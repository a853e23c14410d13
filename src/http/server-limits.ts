import { Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { deferContinue } from './expect-continue';

/** How often Node checks connections against the header and request timeouts (its default, 30 s, doubles them). */
const CONNECTION_CHECK_MS = 1_000;
/** Node's own request timeout is a backstop: the framework answers a slow body with 408 {"error"} before it. */
const REQUEST_TIMEOUT_MARGIN_MS = 10_000;

/**
 * Puts bounds on what a client can hold of a process: time to send headers, a deadline for the body (the body
 * reader answers 408 first; Node's request timeout is the backstop), keep-alive and idle timeouts, and a cap on
 * open connections. Called by `UfopFactory` before the server listens.
 */
export function applyServerLimits(server: Server, options: UfopOptions): void {
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.headersTimeoutMs + options.bodyTimeoutMs + REQUEST_TIMEOUT_MARGIN_MS;
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.maxConnections = options.maxConnections;
  // Read by Node when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    CONNECTION_CHECK_MS,
    options.headersTimeoutMs,
  );
  server.setTimeout(options.idleTimeoutMs, (socket: Socket) => onIdle(socket, options.idleTimeoutMs));
  server.on('clientError', answerClientError);
  deferContinue(server);
}

/**
 * Errors Node meets before a request exists (headers too slow, too large, or malformed): answered as every other
 * error is, `{"error": ...}` with its status, instead of Node's bare status line, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const [status, reason, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request headers not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request headers are too large']
        : [400, 'Bad Request', 'malformed HTTP request'];
  if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * A socket silent for `idleTimeoutMs`: while its request is being answered (its body read under the body
 * deadline, its handler run under the handler timeout) it is left alone; otherwise (a response the client does
 * not read, a connection doing nothing) it is closed.
 */
function onIdle(socket: Socket, idleTimeoutMs: number): void {
  const res = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (res && !res.headersSent && !res.writableEnded) {
    socket.setTimeout(idleTimeoutMs);
    return;
  }
  socket.destroy();
}
