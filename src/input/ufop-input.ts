import { createReadStream, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { RequestTempFiles } from '../resources/temp-files';
import { QiniuHeaders } from './qiniu-headers';
import type { StoredInput } from './input.sink';
import { BufferStream, withKnownSize } from '../output/sized-stream';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * Queue mode's web tier, once an input's bytes are in Redis: lets them go, so that V8 frees them while the job
 * waits for a worker instead of keeping them to the end of the request. Not part of the public API: a symbol that
 * only the framework imports.
 */
export const releaseInputBytes = Symbol('releaseInputBytes');

export interface UfopInputInit {
  /** The bytes, when they are in memory. */
  body?: Buffer;
  /** The temp file holding the bytes, when the input was too large for memory (`UFOP_SPILL_BYTES`). */
  file?: { path: string; size: number };
  contentType?: string;
  cmd: string;
  command: string;
  url?: string;
  qiniu?: QiniuHeaders;
  /** The request's signal, or a function that makes it on first use (most handlers never look at it). */
  signal?: AbortSignal | (() => AbortSignal);
  /** Where this request's temp files go; they are deleted when the request ends. */
  temp?: RequestTempFiles;
}

/** A temp-file scope for inputs made outside a request (tests, scripts): files go to the OS temp folder. */
let looseTemp: RequestTempFiles | undefined;

/**
 * What a handler receives as its first argument: the source bytes and everything known about the request.
 *
 * Small inputs are in memory; inputs over `UFOP_SPILL_BYTES` are in a temp file. Either way a handler can ask for
 * what suits it: `body` (a Buffer), `stream()` (a Readable), or `path()` (a file, for tools such as ffmpeg).
 * On a large input, `body` reads the whole file into memory, which is exactly what spilling avoided: prefer
 * `stream()` or `path()` for handlers that take large inputs.
 */
export class UfopInput {
  /** The source's media type, `application/octet-stream` when unknown. */
  readonly contentType: string;
  /** The cmd as received, UFOP name included: `thumb/200/100`. */
  readonly cmd: string;
  /** The cmd without the UFOP name, as routes see it: `200/100`. */
  readonly command: string;
  /** The source URL, when the platform sent one. */
  readonly url?: string;
  /** The decoded `X-Qiniu-*` headers. */
  readonly qiniu: QiniuHeaders;
  /** The number of input bytes. */
  readonly size: number;
  private buffer?: Buffer;
  private readonly file?: { path: string; size: number };
  private readonly temp?: RequestTempFiles;
  private signalSource: AbortSignal | (() => AbortSignal) | undefined;
  private released = false;

  constructor(init: UfopInputInit) {
    this.buffer = init.body ?? (init.file ? undefined : Buffer.alloc(0));
    this.file = init.file;
    this.size = init.file ? init.file.size : this.buffer!.length;
    this.contentType = init.contentType || DEFAULT_CONTENT_TYPE;
    this.cmd = init.cmd;
    this.command = init.command;
    this.url = init.url;
    this.qiniu = init.qiniu ?? {};
    this.signalSource = init.signal;
    this.temp = init.temp;
  }

  /** Makes the `UfopInputInit` fields of a stored input. */
  static stored(stored: StoredInput): Pick<UfopInputInit, 'body' | 'file'> {
    return stored.path !== undefined ? { file: { path: stored.path, size: stored.size } } : { body: stored.buffer };
  }

  /** True when the input is in a temp file rather than memory. */
  get onDisk(): boolean {
    return this.file !== undefined;
  }

  /**
   * The source bytes: the request body, or what was downloaded from `url`. For an input on disk the first read
   * loads the whole file into memory, synchronously: use `stream()`, `path()` or `await buffer()` instead there.
   */
  get body(): Buffer {
    this.assertHeld();
    this.buffer ??= readFileSync(this.file!.path);
    return this.buffer;
  }

  /** The bytes, read without blocking the event loop when the input is on disk. */
  async bytes(): Promise<Buffer> {
    this.assertHeld();
    this.buffer ??= await readFile(this.file!.path);
    return this.buffer;
  }

  /** The bytes as a stream: from memory, or read from the temp file as it is consumed. */
  stream(): Readable {
    this.assertHeld();
    if (this.buffer) return new BufferStream(this.buffer);
    return withKnownSize(createReadStream(this.file!.path), this.size);
  }

  /**
   * A file holding the input, for tools that want a path. An input on disk is already one; an input in memory is
   * written to a temp file first. Either file is deleted when the request ends: do not keep the path.
   */
  async path(): Promise<string> {
    if (this.file) return this.file.path;
    this.assertHeld();
    const path = this.tempPath('.in');
    await writeFile(path, this.buffer!, { mode: 0o600 });
    return path;
  }

  /**
   * A fresh path in the temp folder, for a handler's own files (a tool's output, say). The framework deletes it when
   * the request ends, after the response is sent, so a handler may return `createReadStream(path)` of it.
   */
  tempPath(suffix = ''): string {
    return (this.temp ?? (looseTemp ??= new RequestTempFiles(tmpdir()))).newPath(suffix);
  }

  /** Aborted when the request times out or the client goes away: long handlers should stop then. */
  get signal(): AbortSignal {
    if (typeof this.signalSource !== 'object') {
      this.signalSource = this.signalSource ? this.signalSource() : new AbortController().signal;
    }
    return this.signalSource;
  }

  /** The body as UTF-8 text. */
  text(): string {
    return this.body.toString('utf8');
  }

  /** See `releaseInputBytes`: an input in memory gives up its bytes; one on disk keeps its file. */
  [releaseInputBytes](): void {
    if (this.file) return;
    this.buffer = undefined;
    this.released = true;
  }

  private assertHeld(): void {
    if (this.released) throw new Error('the bytes of this input were handed to the job queue and are no longer here');
  }
}
