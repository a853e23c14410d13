/**
 * The largest block glibc's malloc should take from its heap rather than map on its own: `UFOP_SPILL_BYTES`'s default
 * (larger bodies go to temp files), so every buffer of a body's size comes from the heap.
 */
export const MMAP_THRESHOLD = 8 * 1024 * 1024;

/**
 * Raises glibc's malloc thresholds in a process that was started with its defaults (`npm start`, `node dist/main`,
 * a worker started by hand), the one way a running process can: glibc's malloc, on freeing a block it had mapped on
 * its own (one past the mmap threshold, 128 KiB at first), raises the mmap threshold to that block's size and the
 * trim threshold to twice that (mallopt(3), "dynamic mmap threshold"). So one block of `MMAP_THRESHOLD`, allocated
 * and left to V8's next collection, leaves this process with an 8 MiB mmap threshold and a 16 MiB trim threshold.
 * Its pages are never touched (not zero-filled): it costs an mmap and a munmap, no memory.
 *
 * Why: a worker reads every job's input into a new buffer of the body's size, and V8 frees the dead ones in
 * batches. With the first thresholds glibc settles on (about 1 and 2 MiB after the first 1 MiB body), a batch that
 * leaves more than 2 MiB free at the top of the heap goes back to the kernel, and the next buffers are faulted in
 * again page by page: one web and one worker process started with `node`, 1 MiB echoes at 16 connections, had the
 * worker take 210–220 page faults per job in the runs where this happened, and 7.8–9.3 ms of CPU per job against
 * 1.6–2.7 ms in those where it did not (a page fault is dear on a virtual machine). `runserver` and `runworker`
 * give their processes fixed thresholds (8 and 32 MiB) through `GLIBC_TUNABLES` (src/cli/supervisor/malloc-tunables.ts);
 * this covers a process started any other way.
 *
 * Not done when the environment sets `GLIBC_TUNABLES`, even empty: thresholds set there turn glibc's adjustment off
 * anyway, and an empty one is how to ask for glibc's defaults. Harmless where malloc is not glibc's (musl ignores it).
 * Returns whether the thresholds are raised by this process (the block is allocated once).
 */
export function raiseMallocThresholds(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform !== 'linux' || env.GLIBC_TUNABLES !== undefined) return false;
  // Once per process: glibc keeps the raised thresholds, and an application made again (tests) needs no new block.
  if (!raised) Buffer.allocUnsafeSlow(MMAP_THRESHOLD);
  raised = true;
  return true;
}

let raised = false;
