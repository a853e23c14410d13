import { join } from 'node:path';
import { EnvRecord, readUfopEnv } from '../config/ufop-env';

/** The folder under `UFOP_LOG_DIR` that each role writes to; `dora.yaml`'s `log_file_paths` lists both. */
export const LOG_SUBDIRS = { server: 'server', worker: 'worker' } as const;

/** Where the image points `UFOP_LOG_DIR`, so logs land in `/var/log/server/` and `/var/log/worker/`. */
export const IMAGE_LOG_DIR = '/var/log';

/**
 * The file this process appends its log to, or undefined when `UFOP_LOG_DIR` is not set (stdout only).
 * Web and all-in-one processes write `<dir>/server/server.log`, worker processes `<dir>/worker/worker.log`:
 * the two folders Qiniu's log collector is told about.
 */
export function logFilePath(env: EnvRecord = readUfopEnv()): string | undefined {
  const dir = env.UFOP_LOG_DIR?.trim();
  if (!dir) return undefined;
  const sub = env.UFOP_ROLE?.trim().toLowerCase() === 'worker' ? LOG_SUBDIRS.worker : LOG_SUBDIRS.server;
  return join(dir, sub, `${sub}.log`);
}
