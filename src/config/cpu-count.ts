import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

type Env = Record<string, string | undefined>;

/**
 * How many handlers a process should run at once. Inside a container `os.cpus()` reports the host's
 * cores, not the flavor's (a C1M1 instance on a 32-core host sees 32), so: `CPU_COUNT`, else `FLAVOR` (`C4M4` → 4), else the cgroup
 * CPU quota, else the available parallelism.
 */
export function cpuCount(env: Env = process.env, readCgroup: () => number | undefined = cgroupCpuQuota): number {
  const explicit = Number(env.CPU_COUNT);
  if (Number.isInteger(explicit) && explicit > 0) return explicit;
  const flavor = /^C(\d+)M\d+/i.exec(env.FLAVOR?.trim() ?? '');
  if (flavor && Number(flavor[1]) > 0) return Number(flavor[1]);
  const quota = readCgroup();
  if (quota !== undefined && quota > 0) return Math.max(1, Math.ceil(quota));
  return availableParallelism();
}

/**
 * Handlers in flight per CPU by default, imgproxy's rule of thumb. One per CPU leaves CPUs idle with handlers whose
 * work runs on threads (sharp, zlib, crypto): between one call's thread work and the next there is main-thread
 * work (parsing options, answering), and a thread pool with nothing queued waits through it. Measured: a sharp
 * thumbnail at one handler per CPU ran at 0.6–0.8× a bare node:http server calling the same code (docs/BENCHMARKS.md).
 */
export const HANDLERS_PER_CPU = 2;

/**
 * The default `UFOP_CONCURRENCY` of one process: two handlers per CPU of the instance, shared among the `processes`
 * that serve it (`runserver` starts one per CPU and says how many), so the instance as a whole runs 2 × CPUs.
 */
export function defaultConcurrency(cpus: number, processes = 1): number {
  return Math.max(1, Math.ceil((HANDLERS_PER_CPU * cpus) / Math.max(1, processes)));
}

/** The CPU quota of this cgroup (v2 `cpu.max`, else v1 `cfs_quota/cfs_period`), or undefined when unlimited. */
export function cgroupCpuQuota(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): number | undefined {
  try {
    const [quota, period] = read('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    if (quota !== 'max' && Number(period) > 0) return Number(quota) / Number(period);
    return undefined;
  } catch {
    // not cgroup v2: try v1
  }
  try {
    const quota = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim());
    const period = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim());
    return quota > 0 && period > 0 ? quota / period : undefined;
  } catch {
    return undefined;
  }
}
