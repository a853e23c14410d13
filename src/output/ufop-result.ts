import { Readable } from 'node:stream';

export type UfopResultBody = string | Buffer | Uint8Array | Readable | object | null | undefined;

/** A handler's answer with an explicit status, type or headers. Anything else a handler returns is encoded by type. */
export class UfopResult {
  constructor(
    readonly body: UfopResultBody,
    readonly contentType?: string,
    readonly status = 200,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** `UfopResult.of(bytes, 'image/jpeg')`. */
  static of(body: UfopResultBody, contentType?: string, status = 200): UfopResult {
    return new UfopResult(body, contentType, status);
  }

  static json(value: unknown, status = 200): UfopResult {
    return new UfopResult(Buffer.from(JSON.stringify(value) ?? 'null'), 'application/json', status);
  }

  withHeader(name: string, value: string): UfopResult {
    return new UfopResult(this.body, this.contentType, this.status, { ...this.headers, [name.toLowerCase()]: value });
  }
}
