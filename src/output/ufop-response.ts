import { Readable } from 'node:stream';

/**
 * Internal: called once a Buffer body has been handed to the kernel whole (the HTTP response's `finish`), by the
 * HTTP controller only: queue mode gives the buffer back to its pool then. Never called for a response cut short.
 */
export const afterSent = Symbol('afterSent');

/** An encoded result: what goes on the wire, the same in inline mode, queue mode and the CLI. */
export interface UfopResponse {
  status: number;
  /** Lower-case header names; always holds `content-type` unless the body is empty. */
  headers: Record<string, string>;
  body: Buffer | Readable;
  [afterSent]?: () => void;
}
