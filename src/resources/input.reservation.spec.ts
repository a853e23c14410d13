import { ByteBudget } from './byte-budget';
import { InputReservation } from './input.reservation';

describe('InputReservation', () => {
  it('grows within the budget, refuses past it with 503 + Retry-After, and gives everything back', () => {
    const memory = new ByteBudget(100);
    const disk = new ByteBudget(1000);
    const first = new InputReservation({ memory, disk });
    const second = new InputReservation({ memory, disk });
    first.ensure('memory', 60);
    first.ensure('memory', 40); // already held
    expect(memory.inUse).toBe(60);
    expect(() => second.ensure('memory', 50)).toThrow(
      expect.objectContaining({
        status: 503,
        retryAfterSeconds: 1,
        message: expect.stringMatching(/UFOP_MAX_INFLIGHT_BYTES/),
      }),
    );
    second.ensure('memory', 40);
    expect(memory.inUse).toBe(100);
    first.ensure('disk', 900);
    expect(() => second.ensure('disk', 200)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/UFOP_MAX_DISK_BYTES/) }),
    );
    first.drop('memory');
    expect(memory.inUse).toBe(40);
    first.release();
    second.release();
    second.release();
    expect([memory.inUse, disk.inUse]).toEqual([0, 0]);
  });
});
