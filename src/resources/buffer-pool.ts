/** Smaller buffers come from Node's allocator as they are: cheap, and many of them share one slab anyway. */
const MIN_POOLED_BYTES = 64 * 1024;
/** Larger values travel in pieces (`UFOP_SPILL_BYTES` is 8 MiB by default): never one buffer of this size. */
const MAX_POOLED_BYTES = 8 * 1024 * 1024;
/** At most this many bytes wait in the pool unused: the memory a process keeps after a burst. */
const MAX_IDLE_BYTES = 16 * 1024 * 1024;

/**
 * Buffers that queue mode's web tier uses again instead of allocating: the input read from the client, which is
 * free again once Redis has it, and the output read from Redis, which is free again once the response has been
 * handed to the kernel. Why: V8 runs a young-generation collection for every 32 MiB of new buffers, whatever the
 * heap holds, and a web process allocated three buffers of the body's size per request (the socket's chunks, the
 * input, the output). Measured on one web and one worker process with 1 MiB bodies, reusing the input and the
 * output cut the web process's CPU per request by about a third.
 *
 * A buffer is given back only by the code that knows nothing can read it any more; one that is never given back is
 * garbage as any other. Sizes are rounded up to a class (eight per power of two) so that buffers serve bodies of
 * near sizes, while a buffer is never more than 12.5% larger than the body it holds: the memory budget
 * (`UFOP_MAX_INFLIGHT_BYTES`) counts the body's size.
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();
  /** Every backing store this pool made, for `release` to know its own; and those idle now (released twice: once). */
  private readonly made = new WeakSet<ArrayBufferLike>();
  private readonly idleStores = new WeakSet<ArrayBufferLike>();
  private idleBytes = 0;

  constructor(private readonly maxIdleBytes = MAX_IDLE_BYTES) {}

  /** A buffer of `size` bytes, its content undefined (as `Buffer.allocUnsafe`): reused when one is idle. */
  readonly acquire = (size: number): Buffer => {
    if (size < MIN_POOLED_BYTES || size > MAX_POOLED_BYTES) return Buffer.allocUnsafe(size);
    const capacity = sizeClass(size);
    const reused = this.idle.get(capacity)?.pop();
    if (reused) {
      this.idleStores.delete(reused.buffer);
      this.idleBytes -= capacity;
      return reused.subarray(0, size);
    }
    const made = Buffer.allocUnsafeSlow(capacity);
    this.made.add(made.buffer);
    return made.subarray(0, size);
  };

  /**
   * Gives a buffer from `acquire` back: nothing may read or write it afterwards. Buffers the pool did not make are
   * ignored, and so is a buffer already given back.
   */
  release(buffer: Buffer): void {
    const store = buffer.buffer;
    if (!this.made.has(store) || this.idleStores.has(store)) return;
    const capacity = store.byteLength;
    if (this.idleBytes + capacity > this.maxIdleBytes) return; // left to the garbage collector
    this.idleStores.add(store);
    this.idleBytes += capacity;
    const list = this.idle.get(capacity) ?? [];
    list.push(Buffer.from(store, 0, capacity));
    this.idle.set(capacity, list);
  }

  /** Whether `buffer` came from this pool and is in use (given back, it would be reused). */
  lent(buffer: Buffer): boolean {
    return this.made.has(buffer.buffer) && !this.idleStores.has(buffer.buffer);
  }

  /** Bytes idle in the pool (for tests). */
  get idleSize(): number {
    return this.idleBytes;
  }
}

/** `size` rounded up to a multiple of an eighth of the power of two at or below it: 1 MiB + 1 B → 1.125 MiB. */
function sizeClass(size: number): number {
  const step = 2 ** (Math.floor(Math.log2(size)) - 3);
  return Math.ceil(size / step) * step;
}

/** The process's pool: the web tier's inputs and outputs in queue mode. */
export const webBuffers = new BufferPool();
