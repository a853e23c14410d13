/** An error reply of Redis (`-ERR …`, `-OOM …`, `-READONLY …`): the command failed, the connection is fine. */
export class RespErrorReply extends Error {}

/** What the blob connection's commands answer: status (`+OK`), integer, bulk string (always bytes), nil or error. */
export type RespReply = string | number | Buffer | null | RespErrorReply;

/** A reply header longer than this is not one the blob connection's commands can produce. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * An incremental parser of RESP2 replies, for the few commands the blob connection sends (SET, GET, DEL, PUBLISH,
 * AUTH, SELECT, CLIENT SETNAME): no arrays, no RESP3.
 *
 * A bulk string is read into one buffer of its exact size, allocated when its header arrives. While it fills,
 * `directTarget()` names the part still empty, so that the socket can read straight into it (`net.Socket`'s
 * `onread`): a 1 MiB value then costs one 1 MiB allocation and no copy in JavaScript, where a general client
 * allocates a chunk per read and concatenates them. Bytes fed through `feed()` may live in a buffer the caller
 * reuses: nothing here keeps a reference to them.
 */
export class RespReplyParser {
  /** The start of a header line whose end has not arrived (copied: the caller's buffer is reused). */
  private partial?: Buffer;
  private bulk?: Buffer;
  private filled = 0;
  /** Bytes of a bulk string's closing CRLF still to skip. */
  private skip = 0;

  constructor(
    private readonly onReply: (reply: RespReply) => void,
    /** Gives the buffer of a bulk string of `size` bytes (the buffer pool of the reply's command, say). */
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {}

  /** The empty rest of the bulk string being read, for the next read to fill directly; undefined between replies. */
  directTarget(): Buffer | undefined {
    return this.bulk?.subarray(this.filled);
  }

  /** `bytes` bytes were read into the buffer `directTarget()` gave. */
  filledDirectly(bytes: number): void {
    this.filled += bytes;
    if (this.bulk && this.filled === this.bulk.length) this.endBulk();
  }

  /** Parses the bytes of `chunk`; throws on bytes that are not a reply of these commands (the stream is lost). */
  feed(chunk: Buffer): void {
    let data = chunk;
    if (this.partial) {
      data = Buffer.concat([this.partial, chunk]);
      this.partial = undefined;
    }
    let at = 0;
    while (at < data.length) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, data.length - at);
        this.skip -= skipped;
        at += skipped;
      } else if (this.bulk) {
        const copied = data.copy(
          this.bulk,
          this.filled,
          at,
          Math.min(data.length, at + this.bulk.length - this.filled),
        );
        at += copied;
        this.filledDirectly(copied);
      } else {
        const end = data.indexOf(LF, at);
        if (end < 0) {
          if (data.length - at > MAX_LINE_BYTES) throw new Error('Redis sent a reply line too long to be one');
          this.partial = Buffer.from(data.subarray(at));
          return;
        }
        this.line(data[at], data.toString('latin1', at + 1, end - 1));
        at = end + 1;
      }
    }
  }

  private line(type: number, text: string): void {
    switch (type) {
      case PLUS:
        return this.onReply(text);
      case MINUS:
        return this.onReply(new RespErrorReply(text));
      case COLON:
        return this.onReply(Number(text));
      case DOLLAR: {
        const length = Number(text);
        if (length === -1) return this.onReply(null);
        if (!Number.isSafeInteger(length) || length < 0) throw new Error(`Redis sent a bad bulk length: ${text}`);
        this.bulk = this.allocate(length);
        this.filled = 0;
        if (length === 0) this.endBulk();
        return;
      }
      default:
        throw new Error(
          `Redis sent a reply of a type the blob connection does not expect: ${String.fromCharCode(type)}`,
        );
    }
  }

  private endBulk(): void {
    const bulk = this.bulk!;
    this.bulk = undefined;
    this.skip = 2;
    this.onReply(bulk);
  }
}

const LF = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const COLON = 0x3a;
const DOLLAR = 0x24;
