import { MMAP_THRESHOLD, TRIM_THRESHOLD } from '../../config/malloc-thresholds';

/**
 * glibc's malloc settings for the processes of `runserver` and `runworker`. The C library reads them as a process
 * starts: only a process that starts others can give them. (A process started otherwise raises its own thresholds
 * the one way it can, to about 32 and 64 MiB: src/config/malloc-thresholds.ts.)
 *
 * Why: a UFOP process allocates and frees buffers of a body's size all the time (a worker reads each job's input
 * into a new one), and V8 frees the dead ones in batches when it collects. With glibc's defaults, a batch that leaves
 * more than a couple of MiB free at the top of the heap goes back to the kernel, so the next buffers come from new
 * pages, each faulted in again: a worker process took 3.7–48.5 page faults per 1 MiB job in 11 runs (median 15), and
 * on a virtual machine a fault is dear (perf on the 2-core benchmark machine: 10% of a worker's CPU in page faults).
 * With these settings a block under `MMAP_THRESHOLD` comes from the heap, and up to `TRIM_THRESHOLD` free at its top
 * stays for the next ones: 0.3–3.4 faults per job. Side by side on that machine (1 MiB echoes, 16 connections,
 * interleaved rounds), two web and two worker processes (runserver + runworker) cost 9–23% less server CPU per
 * request in two probes, one web and one worker process started with the same settings 19–21%; after 10 s of that
 * load each process's RSS was 3–6 MiB higher. Why the trim threshold is 64 MiB: `TRIM_THRESHOLD` (with 32 MiB, a worker
 * that had served 1 KiB requests first took 12–25 faults per 1 MiB job; 0.1–1.8 with 64).
 *
 * Fixed values turn off glibc's own adjustment, which raises the mmap threshold to the largest block freed so far and
 * the trim threshold to twice that (up to 32 and 64 MiB), so these stay within what the defaults reach on their own.
 * This is the value of `GLIBC_TUNABLES` the supervisor gives its processes when the environment has none.
 */
const UFOP_MALLOC_TUNABLES = [
  `glibc.malloc.mmap_threshold=${MMAP_THRESHOLD}`,
  `glibc.malloc.trim_threshold=${TRIM_THRESHOLD}`,
].join(':');

/**
 * `GLIBC_TUNABLES` for the supervisor's processes: the one the environment (or the project's .env) sets, even
 * empty, else the framework's. Musl's C library (Alpine) ignores it.
 */
export function mallocTunablesEnv(seen: Record<string, string | undefined>): { GLIBC_TUNABLES: string } {
  return { GLIBC_TUNABLES: seen.GLIBC_TUNABLES ?? UFOP_MALLOC_TUNABLES };
}
