import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');
/** The built CLI binary (package.json `bin`). */
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const STAMP = join(ROOT, 'dist', '.e2e-build-stamp');
const LOCK = join(tmpdir(), `qiniu-ufop-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const INPUTS = ['src', 'sample', 'schematics', 'package.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json'];

/**
 * Runs `nest build` unless dist/ is newer than every source, holding a lock so that suites started in
 * parallel build once and the others wait for it. Call it in a `beforeAll` (with a long timeout).
 */
export async function ensureBuilt(): Promise<void> {
  await withLock(() => {
    if (isFresh()) return;
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) {
      throw new Error(`nest build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    writeFileSync(STAMP, new Date().toISOString());
  });
}

function isFresh(): boolean {
  if (!existsSync(STAMP) || !existsSync(CLI)) return false;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => newest(join(ROOT, input)) <= built);
}

/** The newest modification time under a path, spec files aside (the build leaves them out). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.spec\.ts$/.test(path) ? 0 : stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

/** A lock directory (mkdir is atomic) holding the owner's pid, taken over if that process is gone. */
async function withLock(fn: () => void): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive()) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    writeFileSync(join(LOCK, 'pid'), String(process.pid));
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!pid) return true; // just created: the pid file is being written
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (
      (error as NodeJS.ErrnoException).code === 'EPERM' ||
      ((error as NodeJS.ErrnoException).code === 'ENOENT' && lockIsYoung())
    );
  }
}

/** A lock without a pid file for more than a few seconds was left by a killed process. */
function lockIsYoung(): boolean {
  try {
    return Date.now() - statSync(LOCK).mtimeMs < 5_000;
  } catch {
    return false;
  }
}
