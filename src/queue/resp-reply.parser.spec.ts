import { randomBytes } from 'node:crypto';
import { RespErrorReply, RespReply, RespReplyParser } from './resp-reply.parser';

function parserWithReplies(): { parser: RespReplyParser; replies: RespReply[] } {
  const replies: RespReply[] = [];
  return { parser: new RespReplyParser((reply) => replies.push(reply)), replies };
}

/** The stream cut at every position given, fed piece by piece through one reused buffer (as the socket does). */
function feedInPieces(parser: RespReplyParser, stream: Buffer, cuts: number[]): void {
  const scratch = Buffer.alloc(stream.length);
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    const length = stream.copy(scratch, 0, from, to);
    parser.feed(scratch.subarray(0, length));
    scratch.fill(0xee); // what the socket's next read would do to the reused buffer
    from = to;
  }
}

describe('RespReplyParser', () => {
  it('parses status, error, integer, nil, empty and binary bulk replies in order', () => {
    const value = randomBytes(300);
    const stream = Buffer.concat([
      Buffer.from('+OK\r\n-OOM command not allowed\r\n:42\r\n$-1\r\n$0\r\n\r\n$300\r\n'),
      value,
      Buffer.from('\r\n:0\r\n'),
    ]);
    const { parser, replies } = parserWithReplies();
    parser.feed(stream);
    expect(replies).toHaveLength(7);
    expect(replies[0]).toBe('OK');
    expect(replies[1]).toBeInstanceOf(RespErrorReply);
    expect((replies[1] as Error).message).toBe('OOM command not allowed');
    expect(replies.slice(2, 4)).toEqual([42, null]);
    expect(replies[4]).toEqual(Buffer.alloc(0));
    expect(Buffer.compare(replies[5] as Buffer, value)).toBe(0);
    expect(replies[6]).toBe(0);
  });

  it('gives the same replies however the stream is cut, keeping nothing of the reused buffer', () => {
    const value = randomBytes(5000);
    // A bulk string holding CR LF and `$` bytes: only its length says where it ends.
    value.write('\r\n$3\r\n', 100, 'latin1');
    const stream = Buffer.concat([Buffer.from('+OK\r\n$5000\r\n'), value, Buffer.from('\r\n:1\r\n$-1\r\n')]);
    for (const cuts of [[1], [4], [5, 6, 7], [11, 12], [13, 4000, 5011, 5012], [5013, 5014, 5015]]) {
      const { parser, replies } = parserWithReplies();
      feedInPieces(parser, stream, cuts);
      expect(replies).toHaveLength(4);
      expect(replies[0]).toBe('OK');
      expect(Buffer.compare(replies[1] as Buffer, value)).toBe(0);
      expect(replies.slice(2)).toEqual([1, null]);
    }
    // Byte by byte, the hardest cut of all.
    const { parser, replies } = parserWithReplies();
    feedInPieces(
      parser,
      stream,
      Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
    );
    expect(Buffer.compare(replies[1] as Buffer, value)).toBe(0);
    expect(replies).toHaveLength(4);
  });

  it('lets a bulk string be read straight into its own buffer once its header has arrived', () => {
    const value = randomBytes(100_000);
    const { parser, replies } = parserWithReplies();
    expect(parser.directTarget()).toBeUndefined();
    parser.feed(Buffer.concat([Buffer.from('$100000\r\n'), value.subarray(0, 10)]));
    let target = parser.directTarget()!;
    expect(target.length).toBe(100_000 - 10);
    // Two reads straight into the buffer, as the socket's `onread` makes them.
    value.copy(target, 0, 10, 60_000);
    parser.filledDirectly(60_000 - 10);
    target = parser.directTarget()!;
    expect(target.length).toBe(40_000);
    value.copy(target, 0, 60_000);
    parser.filledDirectly(40_000);
    expect(parser.directTarget()).toBeUndefined();
    expect(replies).toHaveLength(1);
    expect(Buffer.compare(replies[0] as Buffer, value)).toBe(0);
    // The closing CRLF comes through the reused buffer, with the next reply.
    parser.feed(Buffer.from('\r\n+OK\r\n'));
    expect(replies).toHaveLength(2);
    expect(replies[1]).toBe('OK');
  });

  it('refuses bytes that are not a reply of its commands', () => {
    expect(() => parserWithReplies().parser.feed(Buffer.from('*2\r\n'))).toThrow(/does not expect/);
    expect(() => parserWithReplies().parser.feed(Buffer.from('$-5\r\n'))).toThrow(/bad bulk length/);
    expect(() => parserWithReplies().parser.feed(Buffer.from('$x\r\n'))).toThrow(/bad bulk length/);
    expect(() => parserWithReplies().parser.feed(Buffer.alloc(70_000, 0x2b))).toThrow(/too long/);
  });
  it('reads a bulk reply into the buffer its allocator gives', () => {
    const value = randomBytes(5000);
    const target = Buffer.alloc(8192);
    const replies: RespReply[] = [];
    const parser = new RespReplyParser(
      (reply) => replies.push(reply),
      (size) => target.subarray(0, size),
    );
    feedInPieces(parser, Buffer.concat([Buffer.from('$5000\r\n'), value, Buffer.from('\r\n')]), [3, 100, 4000]);
    expect(replies).toHaveLength(1);
    expect((replies[0] as Buffer).buffer).toBe(target.buffer);
    expect((replies[0] as Buffer).equals(value)).toBe(true);
  });
});
