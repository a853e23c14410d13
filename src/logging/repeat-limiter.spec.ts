import { RepeatLimiter } from './repeat-limiter';

describe('RepeatLimiter', () => {
  it('says a message once per window, then with how many times it came in between', () => {
    const limiter = new RepeatLimiter(10_000);
    expect(limiter.admit('queue: READONLY', 0)).toBe('queue: READONLY');
    expect(limiter.admit('queue: READONLY', 500)).toBeUndefined();
    expect(limiter.admit('queue: READONLY', 9_999)).toBeUndefined();
    expect(limiter.admit('queue: READONLY', 10_000)).toBe('queue: READONLY (2 more since it was last logged)');
    expect(limiter.admit('queue: READONLY', 60_000)).toBe('queue: READONLY');
  });

  it('counts each message apart', () => {
    const limiter = new RepeatLimiter(1_000);
    expect(limiter.admit('a', 0)).toBe('a');
    expect(limiter.admit('b', 1)).toBe('b');
    expect(limiter.admit('a', 2)).toBeUndefined();
    expect(limiter.admit('b', 1_001)).toBe('b');
    expect(limiter.admit('a', 1_002)).toBe('a (1 more since it was last logged)');
  });

  it('remembers a bounded number of messages, however many distinct ones come', () => {
    const limiter = new RepeatLimiter(1_000);
    for (let i = 0; i < 10_000; i++) limiter.admit(`job ${i} failed`, i);
    const remembered = (limiter as unknown as { said: Map<string, unknown> }).said.size;
    expect(remembered).toBeLessThanOrEqual(200);
    // The latest are still counted.
    expect(limiter.admit('job 9999 failed', 10_000)).toBeUndefined();
  });
});
