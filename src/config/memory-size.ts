import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

type Env = Record<string, string | undefined>;

const GIB = 1024 ** 3;

/**
 * The memory the instance really has. A container may see the host's memory as it sees the host's cores, so:
 * `FLAVOR` (`C1M1` → 1 GiB, `C2M4` → 4 GiB), else the cgroup memory limit, else the machine's total memory.
 */
export function instanceMemoryBytes(
  env: Env = process.env,
  readCgroup: () => number | undefined = cgroupMemoryLimit,
): number {
  const flavor = /^C\d+M(\d+)/i.exec(env.FLAVOR?.trim() ?? '');
  if (flavor && Number(flavor[1]) > 0) return Number(flavor[1]) * GIB;
  const limit = readCgroup();
  if (limit !== undefined && limit > 0) return Math.min(limit, totalmem());
  return totalmem();
}

/** The memory limit of this cgroup (v2 `memory.max`, else v1 `memory.limit_in_bytes`), or undefined when unlimited. */
export function cgroupMemoryLimit(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const raw = read(path).trim();
      if (raw === 'max') return undefined;
      const bytes = Number(raw);
      // cgroup v1 reports "no limit" as a huge number close to 2^63.
      return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
    } catch {
      // not this cgroup version: try the next
    }
  }
  return undefined;
}
