import { Readable } from 'node:stream';

const KNOWN_SIZE = Symbol('qiniu-ufop:known-size');

/**
 * A stream over bytes already in memory. `input.stream()` of a small input is one: a handler written for large
 * inputs (`UfopResult.of(input.stream())`) costs nothing extra on small ones, because the result encoder sends
 * the buffer as it is, with its length, instead of streaming it.
 */
export class BufferStream extends Readable {
  constructor(readonly buffer: Buffer) {
    super();
  }

  override _read(): void {
    this.push(this.buffer);
    this.push(null);
  }
}

/** Marks a stream with the number of bytes it will give, so the answer can carry Content-Length. */
export function withKnownSize<T extends Readable>(stream: T, size: number): T {
  (stream as T & { [KNOWN_SIZE]?: number })[KNOWN_SIZE] = size;
  return stream;
}

export function knownSize(stream: Readable): number | undefined {
  if (stream instanceof BufferStream) return stream.buffer.length;
  return (stream as Readable & { [KNOWN_SIZE]?: number })[KNOWN_SIZE];
}
