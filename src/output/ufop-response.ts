import { Readable } from 'node:stream';

/** An encoded result: what goes on the wire, the same in inline mode, queue mode and the CLI. */
export interface UfopResponse {
  status: number;
  /** Lower-case header names; always holds `content-type` unless the body is empty. */
  headers: Record<string, string>;
  body: Buffer | Readable;
}
