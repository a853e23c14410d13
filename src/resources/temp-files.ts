import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Temp files live in `<UFOP_TMP_DIR>/qiniu-ufop/`, named `<pid>-<random><suffix>` so a sweep knows their owner. */
export const TEMP_SUBDIR = 'qiniu-ufop';

/**
 * The temp files of one request (spilled inputs, files a handler asked for). `cleanup()` deletes them all; the
 * request's end calls it whatever the outcome, so no file outlives its request.
 */
export class RequestTempFiles {
  private readonly paths: string[] = [];

  constructor(private readonly dir: string) {}

  /** A fresh path in the temp folder, deleted when the request ends. The file itself is not created. */
  newPath(suffix = ''): string {
    const path = join(this.dir, `${process.pid}-${randomBytes(8).toString('hex')}${suffix}`);
    this.paths.push(path);
    return path;
  }

  get count(): number {
    return this.paths.length;
  }

  async cleanup(): Promise<void> {
    const paths = this.paths.splice(0);
    await Promise.all(paths.map((path) => rm(path, { force: true }).catch(() => undefined)));
  }
}

/** Creates the temp folder, and deletes the files that processes no longer alive left there (killed, OOM). */
export function prepareTempDir(
  tmpDir: string,
  isAlive: (pid: number) => boolean = processAlive,
): { dir: string; swept: number } {
  const dir = join(tmpDir, TEMP_SUBDIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let swept = 0;
  for (const name of readdirSync(dir)) {
    const owner = Number(/^(\d+)-/.exec(name)?.[1]);
    if (owner === process.pid || (owner > 0 && isAlive(owner))) continue;
    rmSync(join(dir, name), { force: true, recursive: true });
    swept++;
  }
  return { dir, swept };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
