import { closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A lock older than this was left by a process that died while rotating: it is taken over. */
const STALE_LOCK_MS = 10_000;

/**
 * A log file that rotates by size and keeps `files` files (`server.log`, `server.log.1`, … `server.log.<files-1>`),
 * shared by every process of a role: `runserver`'s processes and its supervisor append to the same file.
 *
 * Why not a library: the maintained rotating writers (rotating-file-stream, file-stream-rotator, pino-roll) assume
 * one writer per file; with several processes each would rotate on its own and shift the others' files away.
 * Here a process rotates only under a lock file, re-checking the size once it holds it, and a process that finds
 * the path pointing to another file (inode changed: someone rotated) reopens it. Lines are appended with one
 * synchronous write each, so processes never interleave inside a line and nothing is lost in a buffer on a crash.
 * Sizes are checked every few KiB rather than on every line: a file may overshoot `maxBytes` by that much.
 */
export class RotatingFile {
  private fd?: number;
  private inode = 0;
  private sinceCheck = 0;
  private readonly checkEvery: number;

  constructor(
    readonly path: string,
    readonly maxBytes: number,
    readonly files: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.checkEvery = Math.max(256, Math.min(64 * 1024, Math.floor(maxBytes / 16)));
    this.open();
    this.check();
  }

  /** The files of this log, oldest first (some may not exist). */
  static paths(path: string, files: number): string[] {
    const rotated = Array.from({ length: Math.max(0, files - 1) }, (_, i) => `${path}.${files - 1 - i}`);
    return [...rotated, path];
  }

  write(text: string): void {
    if (this.fd === undefined) return;
    this.sinceCheck += text.length;
    if (this.sinceCheck >= this.checkEvery) {
      this.sinceCheck = 0;
      this.check();
    }
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    this.close();
    this.fd = openSync(this.path, 'a');
    this.inode = statSync(this.path).ino;
  }

  private check(): void {
    let stat;
    try {
      stat = statSync(this.path);
    } catch {
      return this.open(); // removed, or renamed by another process: start a new one
    }
    if (stat.ino !== this.inode) return this.open();
    if (stat.size >= this.maxBytes) this.rotate();
  }

  private rotate(): void {
    const lock = `${this.path}.lock`;
    if (!takeLock(lock)) return; // another process is rotating: the inode check reopens afterwards
    try {
      const stat = statSync(this.path);
      if (stat.ino !== this.inode || stat.size < this.maxBytes) return this.open();
      // Oldest first: drop the oldest, move each one up (server.log → .1 → .2 …); with files=1 the log starts over.
      const paths = RotatingFile.paths(this.path, this.files);
      removeIfThere(paths[0]);
      for (let i = 1; i < paths.length; i++) renameIfThere(paths[i], paths[i - 1]);
      this.open();
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        // gone already
      }
    }
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx'));
      return true;
    } catch {
      return false;
    }
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // not there
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // not there
  }
}
