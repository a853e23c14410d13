import { Readable } from 'node:stream';
import { UfopResult, UfopResultBody } from './ufop-result';
import { UfopResponse } from './ufop-response';
import { BufferStream, knownSize } from './sized-stream';

export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const BINARY_TYPE = 'application/octet-stream';
export const JSON_TYPE = 'application/json';

/**
 * Turns whatever a handler returned into status, headers and bytes:
 * string → text, Buffer/Uint8Array → octet-stream, Readable → streamed, UfopResult → as it says,
 * null/undefined → 204, anything else → JSON.
 */
export function encodeResult(value: unknown): UfopResponse {
  if (value instanceof UfopResult) {
    const encoded = encodeBody(value.body);
    const headers = { ...encoded.headers, ...lowerCaseKeys(value.headers) };
    if (value.contentType) headers['content-type'] = value.contentType;
    return { status: value.status, headers, body: encoded.body };
  }
  return encodeBody(value as UfopResultBody);
}

function encodeBody(value: UfopResultBody): UfopResponse {
  if (value === undefined || value === null) return { status: 204, headers: {}, body: Buffer.alloc(0) };
  if (typeof value === 'string') return ok(TEXT_TYPE, Buffer.from(value, 'utf8'));
  if (Buffer.isBuffer(value)) return ok(BINARY_TYPE, value);
  if (value instanceof Uint8Array)
    return ok(BINARY_TYPE, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  // A stream over bytes in memory (`input.stream()` of a small input) is sent as the bytes themselves.
  if (value instanceof BufferStream && !value.readableDidRead) return ok(BINARY_TYPE, value.buffer);
  if (value instanceof Readable) {
    const size = knownSize(value);
    const headers: Record<string, string> = { 'content-type': BINARY_TYPE };
    if (size !== undefined) headers['content-length'] = String(size);
    return { status: 200, headers, body: value };
  }
  return ok(JSON_TYPE, Buffer.from(JSON.stringify(value)));
}

function ok(contentType: string, body: Buffer): UfopResponse {
  return { status: 200, headers: { 'content-type': contentType }, body };
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
