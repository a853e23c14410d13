/**
 * The mmap threshold `runserver` and `runworker` give their processes (src/cli/supervisor/malloc-tunables.ts): the
 * largest block glibc's malloc should take from its heap rather than map on its own, `UFOP_SPILL_BYTES`'s default
 * (larger bodies go to temp files), so every buffer of a body's size comes from the heap. (A process that raises its
 * own thresholds cannot set this one apart from the trim threshold: it gets about 32 MiB.)
 */
export const MMAP_THRESHOLD = 8 * 1024 * 1024;

/**
 * The trim threshold a UFOP process needs: free memory at the top of the heap up to this much stays for the next
 * buffers. V8 frees dead buffers in batches, one young-generation collection for about every 32 MiB of new ones once
 * its young generation has grown (a process that served small requests at a high rate first); a batch of that size
 * over a lower threshold goes back to the kernel, and the next buffers are faulted in page by page.
 */
export const TRIM_THRESHOLD = 64 * 1024 * 1024;

/**
 * The block whose release sets glibc's dynamic thresholds where this process needs them: glibc, on freeing a block it
 * had mapped on its own, raises the mmap threshold to the block's size and the trim threshold to twice that, for
 * blocks up to 32 MiB (`DEFAULT_MMAP_THRESHOLD_MAX` on 64-bit; a block of exactly 32 MiB is a page over it once its
 * header is counted). So: half the trim threshold, less 64 KiB.
 */
const RAISING_BLOCK_BYTES = TRIM_THRESHOLD / 2 - 64 * 1024;

/**
 * Raises glibc's malloc thresholds in a process that was started with its defaults (`npm start`, `node dist/main`,
 * a worker started by hand), the one way a running process can (mallopt(3), "dynamic mmap threshold"): one block of
 * `RAISING_BLOCK_BYTES`, allocated and left to V8's next collection, leaves this process with a mmap threshold of
 * about 32 MiB and a trim threshold of about 64 MiB (`TRIM_THRESHOLD`). Its pages are never touched (not
 * zero-filled): it costs an mmap and a munmap, no memory. These are the highest values glibc's own adjustment
 * reaches, after any service has freed one output of 32 MiB.
 *
 * Why: a worker reads every job's input into a new buffer of the body's size, and V8 frees the dead ones in
 * batches. With the first thresholds glibc settles on (about 1 and 2 MiB after the first 1 MiB body), a batch that
 * leaves more than 2 MiB free at the top of the heap goes back to the kernel, and the next buffers are faulted in
 * again page by page: one web and one worker process started with `node`, 1 MiB echoes at 16 connections, had the
 * worker take 210–220 page faults per job in the runs where this happened, and 7.8–9.3 ms of CPU per job against
 * 1.6–2.7 ms in those where it did not (a page fault is dear on a virtual machine). An 8 MiB block (thresholds of 8
 * and 16 MiB) was not enough once the process had served 1 KiB requests at 16 connections first: its batches then
 * reached 32 MiB, and the worker took 170–246 faults per 1 MiB job (0.1–1.8 with a 64 MiB trim threshold).
 * `runserver` and `runworker` give their processes fixed thresholds (8 and 64 MiB) through `GLIBC_TUNABLES`
 * (src/cli/supervisor/malloc-tunables.ts), which can keep blocks between 8 and 32 MiB mapped on their own; this
 * covers a process started any other way.
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
  if (!raised) Buffer.allocUnsafeSlow(RAISING_BLOCK_BYTES);
  raised = true;
  return true;
}

let raised = false;
