import { Readable } from 'node:stream';
import { encodeResult } from './result.encoder';
import { UfopResult } from './ufop-result';

describe('encodeResult', () => {
  it('encodes a string as UTF-8 text', () => {
    const encoded = encodeResult('héllo');
    expect(encoded).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from('héllo'),
    });
  });

  it('encodes a Buffer and a Uint8Array view as octet-stream, without copying past the view', () => {
    expect(encodeResult(Buffer.from([1, 2])).headers['content-type']).toBe('application/octet-stream');
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const encoded = encodeResult(backing.subarray(1, 4));
    expect([...(encoded.body as Buffer)]).toEqual([1, 2, 3]);
  });

  it('encodes objects, arrays, numbers and booleans as JSON', () => {
    expect(encodeResult({ a: 1 }).body.toString()).toBe('{"a":1}');
    expect(encodeResult([1, 'x']).body.toString()).toBe('[1,"x"]');
    expect(encodeResult(0).body.toString()).toBe('0');
    expect(encodeResult(false).headers['content-type']).toBe('application/json');
  });

  it('passes a Readable through to be streamed', () => {
    const stream = Readable.from(['a']);
    expect(encodeResult(stream).body).toBe(stream);
  });

  it('answers 204 with no body for null and undefined', () => {
    expect(encodeResult(undefined)).toEqual({ status: 204, headers: {}, body: Buffer.alloc(0) });
    expect(encodeResult(null).status).toBe(204);
  });

  it('applies a UfopResult status, type and headers over the body encoding', () => {
    const encoded = encodeResult(UfopResult.of(Buffer.from('x'), 'image/webp', 202).withHeader('X-A', '1'));
    expect(encoded).toEqual({
      status: 202,
      headers: { 'content-type': 'image/webp', 'x-a': '1' },
      body: Buffer.from('x'),
    });
    expect(encodeResult(UfopResult.of({ a: 1 })).headers['content-type']).toBe('application/json');
    expect(encodeResult(UfopResult.json([1], 201))).toMatchObject({ status: 201, body: Buffer.from('[1]') });
  });
});
