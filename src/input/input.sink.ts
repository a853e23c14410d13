import { closeSync, openSync, writeSync } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import { UfopBadRequestError, UfopPayloadTooLargeError } from '../errors/ufop.errors';
import { InputReservation } from '../resources/input.reservation';
import { RequestTempFiles } from '../resources/temp-files';

export const tooLargeMessage = (maxBytes: number) => `input is larger than the limit of ${maxBytes} bytes`;

/** An input once received: bytes in memory, or a temp file. */
export type StoredInput =
  { buffer: Buffer; size: number; path?: undefined } | { path: string; size: number; buffer?: undefined };

export interface InputSinkOptions {
  maxBytes: number;
  /** Past this many bytes the input moves to a temp file. */
  spillBytes: number;
  /** The size announced by Content-Length, when there is one: a buffer of that size is filled in place. */
  declared?: number;
  reservation: InputReservation;
  /** Where a spilled input goes; an input whose cap is within `spillBytes` needs none. */
  temp?: RequestTempFiles;
  /** Gives the buffer a declared size within `spillBytes` is read into (default: a new one). */
  allocate?: (size: number) => Buffer;
  /** Queue mode: every byte will also sit in Redis, so all of them count against the memory budget. */
  countAllAsMemory?: boolean;
  /**
   * Write the temp file synchronously. For a source that must not be paused (see `SourceFetcher`): while the
   * event loop writes, the socket is not read, so the kernel's TCP window holds the sender back instead.
   */
  syncWrites?: boolean;
}

/**
 * Receives an input chunk by chunk (a request body or a download) and keeps it within the limits: the size cap,
 * the process's byte budgets (reserved as it grows, refused with 503 past them), and memory: past `spillBytes`
 * the bytes go to a temp file instead. With a declared size within `spillBytes` the bytes are copied once, into a
 * buffer of that size, rather than gathered and concatenated.
 */
export class InputSink {
  private readonly chunks: Buffer[] = [];
  private target?: Buffer;
  private received = 0;
  private file?: FileHandle;
  private fd?: number;
  private path?: string;
  private spilled = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: InputSinkOptions) {
    const { declared, spillBytes } = options;
    if (declared !== undefined && declared > options.maxBytes)
      throw new UfopPayloadTooLargeError(tooLargeMessage(options.maxBytes));
    if (declared !== undefined && declared <= spillBytes) {
      this.target = (options.allocate ?? Buffer.allocUnsafe)(declared);
    }
    // A declared size past spillBytes goes to disk from the first byte: no point holding the start in memory.
    if (declared !== undefined && declared > spillBytes) this.spilled = true;
  }

  get size(): number {
    return this.received;
  }

  /** Takes a chunk; returns a promise when the chunk goes to disk, which the caller awaits before the next. */
  write(chunk: Buffer): Promise<void> | undefined {
    const total = this.received + chunk.length;
    const { maxBytes, declared, spillBytes, reservation } = this.options;
    if (total > maxBytes) throw new UfopPayloadTooLargeError(tooLargeMessage(maxBytes));
    if (declared !== undefined && total > declared)
      throw new UfopBadRequestError('request body is longer than its Content-Length');
    const inMemory = !this.spilled && total <= spillBytes;
    if (this.options.countAllAsMemory || inMemory) reservation.ensure('memory', total);
    if (inMemory) {
      if (this.target) chunk.copy(this.target, this.received);
      else this.chunks.push(chunk);
      this.received = total;
      return undefined;
    }
    reservation.ensure('disk', total);
    this.spilled = true;
    this.received = total;
    if (this.options.syncWrites) return this.toFileSync(chunk);
    this.writing = this.writing.then(() => this.toFile(chunk));
    return this.writing;
  }

  /** The whole input, once the source has ended. */
  async finish(): Promise<StoredInput> {
    await this.writing;
    this.closeFd();
    const { declared } = this.options;
    if (declared !== undefined && this.received !== declared) {
      throw new UfopBadRequestError('request body is shorter than its Content-Length');
    }
    if (this.path) {
      await this.file?.close();
      this.file = undefined;
      return { path: this.path, size: this.received };
    }
    if (this.target) return { buffer: this.target, size: this.received };
    const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    return { buffer, size: this.received };
  }

  /** Stops receiving: closes the temp file (the request's cleanup deletes it) and lets go of the bytes. */
  async abort(): Promise<void> {
    this.chunks.length = 0;
    this.target = undefined;
    await this.writing.catch(() => undefined);
    await this.file?.close().catch(() => undefined);
    this.file = undefined;
    this.closeFd();
  }

  private toFileSync(chunk: Buffer): undefined {
    if (this.fd === undefined) {
      this.path = this.temp().newPath('.in');
      this.fd = openSync(this.path, 'wx', 0o600);
      const held = this.takeHeld();
      if (held.length > 0) writeSync(this.fd, held);
    }
    writeSync(this.fd, chunk);
    return undefined;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * What arrived before the spill, to be written first to the new file; its bytes leave the memory budget (inline
   * mode). A declared size within spillBytes never spills, so only gathered chunks can be held here.
   */
  private takeHeld(): Buffer {
    const held = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    if (!this.options.countAllAsMemory) this.options.reservation.drop('memory');
    return held;
  }

  private temp(): RequestTempFiles {
    if (!this.options.temp) throw new Error('InputSink: an input that may spill needs a temp-file scope');
    return this.options.temp;
  }

  private async toFile(chunk: Buffer): Promise<void> {
    if (!this.file) {
      this.path = this.temp().newPath('.in');
      this.file = await open(this.path, 'wx', 0o600);
      const held = this.takeHeld();
      if (held.length > 0) await this.file.write(held);
    }
    await this.file.write(chunk);
  }
}
