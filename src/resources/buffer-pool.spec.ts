import { BufferPool } from './buffer-pool';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('BufferPool', () => {
  it('hands a buffer given back to the next request of the same size class, with the length asked for', () => {
    const pool = new BufferPool();
    const first = pool.acquire(100 * KiB);
    expect(first.length).toBe(100 * KiB);
    expect(pool.lent(first)).toBe(true);
    pool.release(first);
    expect(pool.lent(first)).toBe(false);
    expect(pool.idleSize).toBe(104 * KiB);
    // 97 KiB rounds up to the same 104 KiB class (steps of 8 KiB between 64 and 128 KiB): the same backing store,
    // cut to its own length.
    const second = pool.acquire(97 * KiB);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(97 * KiB);
    expect(pool.lent(second)).toBe(true);
    expect(pool.idleSize).toBe(0);
  });

  it('never makes a buffer more than 12.5% larger than asked for', () => {
    const pool = new BufferPool();
    for (const size of [64 * KiB, 64 * KiB + 1, 100 * KiB, MiB, MiB + 1, 3 * MiB - 7, 8 * MiB]) {
      const buffer = pool.acquire(size);
      expect(buffer.length).toBe(size);
      expect(buffer.buffer.byteLength).toBeGreaterThanOrEqual(size);
      expect(buffer.buffer.byteLength).toBeLessThanOrEqual(size * 1.125);
    }
  });

  it('does not pool small or huge buffers', () => {
    const pool = new BufferPool();
    for (const size of [0, 1, 64 * KiB - 1, 8 * MiB + 1]) {
      const buffer = pool.acquire(size);
      expect(buffer.length).toBe(size);
      expect(pool.lent(buffer)).toBe(false);
      pool.release(buffer);
      expect(pool.idleSize).toBe(0);
    }
  });

  it('ignores a buffer given back twice, and buffers it did not make', () => {
    const pool = new BufferPool();
    const buffer = pool.acquire(MiB);
    pool.release(buffer);
    pool.release(buffer);
    pool.release(Buffer.allocUnsafe(MiB));
    expect(pool.idleSize).toBe(MiB);
    const a = pool.acquire(MiB);
    const b = pool.acquire(MiB);
    expect(a.buffer).toBe(buffer.buffer);
    expect(b.buffer).not.toBe(buffer.buffer); // handed out once only
  });

  it('keeps at most its idle bound: the rest is left to the garbage collector', () => {
    const pool = new BufferPool(2 * MiB);
    const buffers = [pool.acquire(MiB), pool.acquire(MiB), pool.acquire(MiB)];
    buffers.forEach((buffer) => pool.release(buffer));
    expect(pool.idleSize).toBe(2 * MiB);
    expect(pool.lent(buffers[2])).toBe(true); // not taken back: never handed out again
    expect(pool.acquire(MiB).buffer).not.toBe(buffers[2].buffer);
  });
});
