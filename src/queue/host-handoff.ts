import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { UfopOptions } from '../interfaces/ufop-options.interface';
import type { Allocate } from './resp-blob.connection';
import { BLOB_TTL_MARGIN_MS } from './ufop-queue.constants';

/**
 * Outputs up to this size are handed over in a file; larger ones go through Redis as before. The file is written and
 * read with synchronous calls (cheaper than the thread pool's round trip, measured), which hold the event loop for
 * about 0.1 ms per MiB each; past a few MiB the gain over a socket is small next to that.
 */
export const HANDOFF_MAX_BYTES = 2 * 1024 * 1024;
/** A released file unused this long is deleted: an idle machine gives the folder's memory back. */
export const HANDOFF_IDLE_MS = 60_000;
/** How often each process sweeps the folder (files of requests that ended without reading them, idle files). */
const SWEEP_EVERY_MS = 30_000;

/** The names of files it released that a process remembers, to take them back first (`release`). */
const RELEASED_KEPT = 64;

const UUID_PATTERN = /^[0-9a-f-]{36}$/;

/** What a file holds: a job's input (web process to worker) or its output (worker to web process). */
export type HandoffKind = 'in' | 'out';
const KIND_NAMES: Record<HandoffKind, string> = { in: 'input', out: 'output' };

/**
 * Inputs and outputs handed between a web process and a worker of the same machine through a file in a folder both
 * see (default `/dev/shm/qiniu-ufop-<uid>`, which is memory), instead of a SET and a GET of Redis. Each move of a body
 * through a socket costs a process about what inline mode pays to read or write it from its client, and Redis as
 * much again; a file whose pages exist already costs about half, and Redis nothing.
 *
 * Which processes share the folder is learned from the folder itself, not assumed: the first process to use it
 * writes a random token in it (`scope`), every other one reads it. A web process names its token in each job, and a
 * worker advertises its own beside its slots (`WorkerSlots`):
 * - an output goes to `busy/<job id>.out` when the worker's token is the job's, else to Redis as before;
 * - an input goes to `busy/<job id>.in` while every live worker names the web process's token (a worker of another
 *   folder that takes such a job anyway asks the web process for it, which stores it in Redis from the file).
 * So a process never waits for bytes where it cannot read them.
 *
 * A file is written once, then read by one process. Fresh files cost what a socket does (their pages are found and
 * cleared on each use), so files are reused: once nothing reads a file (an output read, an input whose handler has
 * answered), it moves to `free/`, and the next bytes are written over one taken from there (a rename: two processes
 * cannot take the same file). A file is written only in `busy/` under its job's name, and moved away only by the one
 * process that reads it: no process writes what another is reading. Every process sweeps the folder now and then: a
 * busy file older than a handler may run (its request ended without it being read, its process died) and a free file
 * unused for a minute are deleted.
 */
export class HostHandoff {
  private static readonly byDir = new Map<string, HostHandoff | Error>();

  /**
   * The handoff of this process for `dir` (one per folder, shared by the web and worker sides), or the reason it
   * cannot be used: the folder cannot be made, is not this user's own, or is writable by others.
   */
  static of(dir: string, ttlMs: number): HostHandoff | Error {
    let handoff = HostHandoff.byDir.get(dir);
    if (!handoff) {
      try {
        handoff = new HostHandoff(dir, ttlMs);
        handoff.startSweeping();
      } catch (error) {
        handoff = error instanceof Error ? error : new Error(String(error));
      }
      HostHandoff.byDir.set(dir, handoff);
    }
    return handoff;
  }

  /** The folder's token: equal in two processes exactly when they use the same folder. */
  readonly scope: string;
  private readonly busy: string;
  private readonly free: string;
  /**
   * Names this process moved to `free/` itself, the latest last: taken back first. A web process releases an output
   * for each input it writes, a worker an input for each output, so each finds its own and neither lists the folder
   * nor races the others for what a listing showed.
   */
  private released: string[] = [];
  /** Names seen in `free/` at the last listing and not taken yet (by this process). */
  private spare: string[] = [];
  private sweeper?: NodeJS.Timeout;
  /** The kinds of write failure already told (`tryWrite`). */
  private readonly failures = new Set<string>();

  /** Opens the folder, making it if need be (throws when it cannot be used). */
  constructor(
    readonly dir: string,
    private readonly ttlMs: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const trouble = handoffDirTrouble(dir);
    if (trouble) throw new Error(trouble);
    this.busy = join(dir, 'busy');
    this.free = join(dir, 'free');
    mkdirSync(this.busy, { recursive: true, mode: 0o700 });
    mkdirSync(this.free, { recursive: true, mode: 0o700 });
    this.scope = readScope(dir);
  }

  /** Writes a job's input or output for the process that will read it (throws when it cannot: use Redis then). */
  write(jobId: string, kind: HandoffKind, bytes: Buffer): void {
    const target = this.busyPath(jobId, kind);
    const reused = this.takeSpare(target);
    const fd = openSync(target, reused ? 'r+' : 'wx', 0o600);
    try {
      for (let offset = 0; offset < bytes.length;) {
        offset += writeSync(fd, bytes, offset, bytes.length - offset, offset);
      }
      if (reused) ftruncateSync(fd, bytes.length);
    } catch (error) {
      closeSync(fd);
      tryUnlink(target);
      throw error;
    }
    closeSync(fd);
  }

  /**
   * Writes as `write` does, but says whether it could instead of throwing: false, and the caller uses Redis. A
   * failure is told to `warn` once per kind of error (a full folder would otherwise log every job).
   */
  tryWrite(jobId: string, kind: HandoffKind, bytes: Buffer, warn: (message: string) => void): boolean {
    try {
      this.write(jobId, kind, bytes);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (!this.failures.has(code)) {
        this.failures.add(code);
        warn(
          `${KIND_NAMES[kind]}s go through Redis when ${this.dir} cannot take them: ${(error as Error).message} (said once)`,
        );
      }
      return false;
    }
  }

  /**
   * Reads a job's file of `size` bytes into a buffer from `allocate` (all of the file when `size` is undefined),
   * leaving the file where it is. Throws when the file is missing or short.
   */
  read(jobId: string, kind: HandoffKind, size?: number, allocate: Allocate = Buffer.allocUnsafe): Buffer {
    const fd = openSync(this.busyPath(jobId, kind), 'r');
    try {
      const length = size ?? fstatSync(fd).size;
      const bytes = allocate(length);
      // Straight into the buffer. Read through a 64 KiB buffer and copied (as before), `read` of 1 MiB cost 178 µs of
      // CPU into the web side's reused buffers and 244 µs into new ones, against 102 and 178 now (medians of 6 × 1000).
      for (let offset = 0; offset < length;) {
        const read = readSync(fd, bytes, offset, length - offset, offset);
        if (read === 0) throw new Error(`the ${KIND_NAMES[kind]} file held ${offset} bytes of ${length}`);
        offset += read;
      }
      return bytes;
    } finally {
      closeSync(fd);
    }
  }

  /** Reads a job's file (see `read`), then releases it for another job's bytes. */
  take(jobId: string, kind: HandoffKind, size: number, allocate: Allocate = Buffer.allocUnsafe): Buffer {
    const bytes = this.read(jobId, kind, size, allocate);
    this.release(jobId, kind);
    return bytes;
  }

  /**
   * Keeps a job's file for another job's bytes: nothing reads it any more. The files kept are no more than the
   * inputs and outputs ever in flight at once on the machine (each was one), each at most `HANDOFF_MAX_BYTES`;
   * idle ones are swept.
   */
  release(jobId: string, kind: HandoffKind): void {
    const name = `${jobId}.${kind}`;
    try {
      renameSync(this.busyPath(jobId, kind), join(this.free, name));
    } catch {
      return; // swept or discarded meanwhile: nothing to release
    }
    // A process that releases more than it takes (its outputs go through Redis) leaves the rest to others' listings.
    if (this.released.push(name) > RELEASED_KEPT) this.released.shift();
  }

  /** Deletes a job's file if there is one (its request ended without it being read). */
  discard(jobId: string, kind: HandoffKind): void {
    tryUnlink(this.busyPath(jobId, kind));
  }

  /** Deletes busy files older than a request may last and free files unused for `HANDOFF_IDLE_MS`. */
  sweep(now = Date.now()): void {
    // A rename sets a file's ctime, as a write does: it is when the file last changed hands or bytes.
    const stale = (dir: string, ageMs: number) => {
      for (const name of safeList(dir)) {
        const path = join(dir, name);
        try {
          if (now - lstatSync(path).ctimeMs > ageMs) unlinkSync(path);
        } catch {
          // taken or deleted meanwhile
        }
      }
    };
    stale(this.busy, this.ttlMs);
    stale(this.free, HANDOFF_IDLE_MS);
    this.spare = [];
    this.released = [];
  }

  /** Stops the sweeping (tests; a process's own handoff sweeps until it exits). */
  close(): void {
    clearInterval(this.sweeper);
    if (HostHandoff.byDir.get(this.dir) === this) HostHandoff.byDir.delete(this.dir);
  }

  private startSweeping(): void {
    this.sweep(); // what dead processes left
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  private busyPath(jobId: string, kind: HandoffKind): string {
    // Job ids are the web process's UUIDs; anything else never names a path.
    if (!UUID_PATTERN.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return join(this.busy, `${jobId}.${kind}`);
  }

  /** Moves a free file to `target`: true when there was one (its pages exist already), false to make a new one. */
  private takeSpare(target: string): boolean {
    if (this.takeFrom(this.released, target) || this.takeFrom(this.spare, target)) return true;
    // This process released none, and the names listed last time are used up, or were taken by other processes since:
    // listed again before a new file is made, so that the files stay as many as the outputs in flight at once.
    this.spare = safeList(this.free);
    return this.takeFrom(this.spare, target);
  }

  private takeFrom(names: string[], target: string): boolean {
    while (names.length > 0) {
      try {
        renameSync(join(this.free, names.pop()!), target);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // another process took it first, or swept it
      }
    }
    return false;
  }
}

/**
 * Why the folder at `dir` (which exists) cannot be a handoff folder, or undefined when it can. Another user's folder
 * (made first in /dev/shm, which anyone may write) could hand this process its bytes, or read them.
 */
export function handoffDirTrouble(dir: string): string | undefined {
  const owner = lstatSync(dir);
  if (!owner.isDirectory()) return `${dir} is not a folder`;
  if (typeof process.getuid === 'function' && owner.uid !== process.getuid()) {
    return `${dir} belongs to another user (uid ${owner.uid})`;
  }
  if ((owner.mode & 0o022) !== 0) return `${dir} may be written by other users`;
  return undefined;
}

/** The folder's token, written by the first process to ask (atomically: a reader never sees it half-written). */
function readScope(dir: string): string {
  const file = join(dir, 'scope');
  try {
    const draft = join(dir, `scope.${randomUUID()}`);
    writeFileSync(draft, randomUUID(), { mode: 0o600 });
    try {
      linkSync(draft, file); // fails if another process was first: its token stands
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  } catch (error) {
    throw new Error(`cannot write in ${dir}: ${(error as Error).message}`);
  }
  const scope = readFileSync(file, 'utf8').trim();
  if (!UUID_PATTERN.test(scope)) throw new Error(`${file} does not hold a token written by qiniu-ufop`);
  return scope;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

const warned = new Set<string>();

/** What to do about a folder the processes would not use (told at start, and by `doctor`). */
export const HANDOFF_DIR_FIX = "set UFOP_HANDOFF_DIR to a folder of this user's own, or to off";

/**
 * The process's handoff folder (`UFOP_HANDOFF_DIR`), or undefined: turned off, or not usable, which `warn` is told
 * once. Its files live as long as Redis's blobs would: a handler's timeout and a margin.
 */
export function hostHandoffFor(
  options: Pick<UfopOptions, 'handoffDir' | 'handlerTimeoutMs'>,
  warn: (message: string) => void,
): HostHandoff | undefined {
  const dir = options.handoffDir;
  if (!dir) return undefined;
  const handoff = HostHandoff.of(dir, options.handlerTimeoutMs + BLOB_TTL_MARGIN_MS);
  if (handoff instanceof HostHandoff) return handoff;
  if (!warned.has(dir)) {
    warned.add(dir);
    warn(
      `inputs and outputs go through Redis: the handoff folder cannot be used (${handoff.message}); ${HANDOFF_DIR_FIX}`,
    );
  }
  return undefined;
}
