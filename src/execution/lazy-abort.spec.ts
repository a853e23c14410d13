import { LazyAbort } from './lazy-abort';

const OVER = new Error('over');

describe('LazyAbort', () => {
  it('makes one signal, on first use, and aborts it with the shared reason at the end', () => {
    const hooked: Array<() => void> = [];
    const lazy = new LazyAbort(OVER, (end) => hooked.push(end));
    expect(hooked).toHaveLength(0); // nothing made, nothing hooked, until a handler asks
    const signal = lazy.signal();
    expect(lazy.signal()).toBe(signal);
    expect(hooked).toHaveLength(1);
    expect(signal.aborted).toBe(false);
    hooked[0]();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(OVER);
  });

  it('gives a signal born aborted when first asked for after the end, without hooking anything', () => {
    const onFirstUse = jest.fn();
    const lazy = new LazyAbort(OVER, onFirstUse);
    lazy.end();
    expect(lazy.signal().aborted).toBe(true);
    expect(lazy.signal().reason).toBe(OVER);
    expect(onFirstUse).not.toHaveBeenCalled();
  });

  it('lets the hook end it at once (a response already closed)', () => {
    const lazy = new LazyAbort(OVER, (end) => end());
    expect(lazy.signal().aborted).toBe(true);
  });
});
